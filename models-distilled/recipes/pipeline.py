#!/usr/bin/env python3
"""Builds EdgeLLM's default model end to end, offline:

  data (seeded) -> byte-level BPE tokenizer -> teacher (Llama family) -> distilled student (>= 4x smaller)
  -> ONNX in the GenAI layout -> INT4 MatMulNBits (block 32) -> held-out evaluation (onnxruntime, greedy)
  -> smoke.json -> MODEL_CARD.md

    python3 models-distilled/recipes/pipeline.py --out models-distilled          # the committed model
    python3 models-distilled/recipes/pipeline.py --out /tmp/quick --quick        # a 2-minute plumbing check

Needs torch (a GPU makes it minutes), tokenizers, onnx and onnxruntime 1.30. Downloads nothing.
"""
from __future__ import annotations

import argparse
import json
import logging
import shutil
import sys
import time
from pathlib import Path

import numpy as np
import onnxruntime as ort
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bpe_tokenizer import SPECIAL_TOKENS, save_tokenizer, train_tokenizer  # noqa: E402
from evaluate import evaluate  # noqa: E402
from genai_export import (build_decoder, count_ops, quantize_int4, save_fp32, write_genai_config,  # noqa: E402
                          write_hf_configs)
from iot_data import make_splits  # noqa: E402
from llama_model import LlamaConfig  # noqa: E402
from model_card import write_model_card  # noqa: E402
from smoke import make_smoke, write_smoke  # noqa: E402
from train import PaddedData, distil_student, encode_examples, train_teacher  # noqa: E402

MODEL_ID = "iot-assist"
MODEL_VERSION = "2026.11.22"
CONTEXT_LENGTH = 512
VOCAB_SIZE = 4096
BATCH = 256


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


def model_configs(vocab: int) -> tuple[LlamaConfig, LlamaConfig]:
    teacher = LlamaConfig(vocab_size=vocab, hidden_size=512, num_hidden_layers=8, num_attention_heads=8,
                          num_key_value_heads=2, intermediate_size=1408, max_position_embeddings=CONTEXT_LENGTH)
    student = LlamaConfig(vocab_size=vocab, hidden_size=256, num_hidden_layers=4, num_attention_heads=4,
                          num_key_value_heads=2, intermediate_size=704, max_position_embeddings=CONTEXT_LENGTH)
    return teacher, student


def verify_export(model, onnx_path: Path, encoded, device) -> float:
    """Largest |torch - onnxruntime| logit difference over a few held-out sequences (fp32, prefill)."""
    sess = ort.InferenceSession(str(onnx_path), providers=["CPUExecutionProvider"])
    cfg = model.cfg
    worst = 0.0
    model = model.float().eval()
    tf32 = torch.backends.cuda.matmul.allow_tf32
    torch.backends.cuda.matmul.allow_tf32 = False  # the reference must be strict fp32
    for e in encoded[:4]:
        ids = torch.tensor([e.ids], dtype=torch.long, device=device)
        with torch.no_grad():
            ref = model(ids).float().cpu().numpy()
        feed = {"input_ids": ids.cpu().numpy(), "attention_mask": np.ones_like(ids.cpu().numpy())}
        for inp in sess.get_inputs():
            if inp.name.startswith("past_key_values."):
                dtype = np.float16 if "float16" in inp.type else np.float32
                feed[inp.name] = np.zeros((1, cfg.num_key_value_heads, 0, cfg.head_dim), dtype)
        got = sess.run(["logits"], feed)[0]
        worst = max(worst, float(np.abs(got - ref).max()))
    torch.backends.cuda.matmul.allow_tf32 = tf32
    return worst


def dir_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.iterdir() if p.is_file())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, required=True, help="root of the output (models-distilled)")
    ap.add_argument("--work", type=Path, default=Path("/tmp/edgellm-distill"), help="scratch directory")
    ap.add_argument("--quick", action="store_true", help="tiny data and few steps: checks the plumbing only")
    ap.add_argument("--seed", type=int, default=1234)
    args = ap.parse_args()
    t_start = time.time()
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    torch.backends.cuda.matmul.allow_tf32 = True
    logging.getLogger("onnxruntime.quantization").setLevel(logging.WARNING)
    log(f"device {device}, torch {torch.__version__}, onnxruntime {ort.__version__}")

    q = args.quick
    n_train, n_heldout = (2000, 100) if q else (40000, 1000)
    teacher_steps, student_steps = (60, 60) if q else (2000, 2500)
    work = args.work
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)

    # 1. data
    train, heldout = make_splits(args.seed, n_train, n_heldout)
    log(f"data: {len(train)} training and {len(heldout)} held-out examples")

    # 2. tokenizer (trained on the training split only)
    texts = [e.prompt for e in train] + [e.answer for e in train] + [e.system for e in train if e.system]
    texts += ["system\n", "user\n", "assistant\n"]
    tok = train_tokenizer(texts, VOCAB_SIZE)
    tok_dir = work / "tokenizer"
    ids = save_tokenizer(tok, tok_dir, CONTEXT_LENGTH)
    log(f"tokenizer: {tok.get_vocab_size()} tokens, specials {ids}")

    # 3. teacher, 4. student
    enc_train, enc_val = encode_examples(tok, train), encode_examples(tok, heldout)
    longest = max(len(e.ids) for e in enc_train + enc_val)
    assert longest < CONTEXT_LENGTH, longest
    t_cfg, s_cfg = model_configs(tok.get_vocab_size())
    pad = ids["<|endoftext|>"]
    train_t, val_t = PaddedData(enc_train, pad, device), PaddedData(enc_val, pad, device)
    teacher, t_stats = train_teacher(t_cfg, train_t, val_t, device, teacher_steps, BATCH, 1e-3, args.seed, log)
    student, s_stats = distil_student(s_cfg, teacher, train_t, val_t, device, student_steps, BATCH, 2e-3,
                                      temperature=2.0, alpha=0.5, seed=args.seed, log=log)
    t_params, s_params = teacher.num_parameters(), student.num_parameters()
    log(f"parameters: teacher {t_params:,}, student {s_params:,} ({t_params / s_params:.2f}x smaller)")
    assert t_params >= 4 * s_params

    # 5. export: teacher fp32 and student fp32 (for evaluation), student INT4 (the product)
    teacher_dir, student_dir = work / "teacher-fp32", work / "student-fp32"
    out_dir = args.out / MODEL_ID
    fp16_dir = args.out / "variants" / f"{MODEL_ID}-fp16kv"
    for d in (teacher_dir, student_dir, out_dir, fp16_dir):
        shutil.rmtree(d, ignore_errors=True)
        d.mkdir(parents=True)
    for d, m in ((teacher_dir, teacher), (student_dir, student)):
        save_fp32(build_decoder(m.float(), CONTEXT_LENGTH), d / "model.onnx")
        write_genai_config(d, m, ids, CONTEXT_LENGTH)
    diff_t = verify_export(teacher, teacher_dir / "model.onnx", enc_val, device)
    diff_s = verify_export(student, student_dir / "model.onnx", enc_val, device)
    log(f"export check: max |torch - onnxruntime| logit difference teacher {diff_t:.2e}, student {diff_s:.2e}")
    assert diff_t < 2e-3 and diff_s < 2e-3, "exported graph does not match the torch model"

    quantize_int4(student_dir / "model.onnx", out_dir / "model.onnx", block_size=32, accuracy_level=4)
    fp16_fp32 = work / "student-fp16kv-fp32w" / "model.onnx"
    save_fp32(build_decoder(student, CONTEXT_LENGTH, kv_dtype=np.float16), fp16_fp32)
    quantize_int4(fp16_fp32, fp16_dir / "model.onnx", block_size=32, accuracy_level=4, external_data=True)
    for d, kv in ((out_dir, "float32"), (fp16_dir, "float16")):
        write_genai_config(d, student, ids, CONTEXT_LENGTH)
        write_hf_configs(d, student, ids, kv)
        for f in tok_dir.iterdir():
            shutil.copy(f, d / f.name)
        (d / "edgellm_model.json").write_text(json.dumps({
            "id": MODEL_ID if d == out_dir else f"{MODEL_ID}-fp16kv", "version": MODEL_VERSION,
            "quantization": "int4 MatMulNBits, block 32, asymmetric, accuracy_level 4",
            "kv_cache_dtype": kv, "description": "IoT command -> JSON action and telemetry -> status line"},
            indent=2) + "\n")
    log(f"INT4 model: {(out_dir / 'model.onnx').stat().st_size / 1e6:.2f} MB; ops {count_ops(out_dir / 'model.onnx')}")

    # 6. evaluation on the held-out split, greedy, onnxruntime on the exported files
    results = {}
    for name, d in (("teacher_fp32", teacher_dir), ("student_fp32", student_dir), ("student_int4", out_dir)):
        t0 = time.time()
        results[name] = evaluate(d, tok_dir / "tokenizer.json", heldout)
        log(f"eval {name}: {json.dumps({k: v for k, v in results[name].items() if k != 'sample_failures'})} ({time.time() - t0:.0f}s)")

    # 7. smoke.json for the product and the fp16-KV variant
    for d, mid in ((out_dir, MODEL_ID), (fp16_dir, f"{MODEL_ID}-fp16kv")):
        write_smoke(d / "smoke.json", make_smoke(d, tok, mid, MODEL_VERSION, log, min_cases=0 if q else 6))

    # 8. report + model card
    data_dir = args.out / "data"
    data_dir.mkdir(exist_ok=True)
    with (data_dir / "heldout.jsonl").open("w") as f:
        for e in heldout:
            f.write(json.dumps({"task": e.task, "system": e.system, "prompt": e.prompt, "answer": e.answer}, ensure_ascii=False) + "\n")
    report = {
        "model": MODEL_ID, "version": MODEL_VERSION, "quick": q, "seed": args.seed,
        "data": {"train": len(train), "heldout": len(heldout), "tokens_longest": longest},
        "tokenizer": {"vocab_size": tok.get_vocab_size(), "special_tokens": {t: ids[t] for t in SPECIAL_TOKENS}},
        "teacher": {"config": t_cfg.to_dict(), "parameters": t_params, **t_stats},
        "student": {"config": s_cfg.to_dict(), "parameters": s_params, **s_stats},
        "compression": round(t_params / s_params, 2),
        "export_max_logit_diff": {"teacher": diff_t, "student": diff_s},
        "sizes_bytes": {"student_int4_model_onnx": (out_dir / "model.onnx").stat().st_size,
                        "student_int4_dir": dir_size(out_dir),
                        "student_fp32_model_onnx": (student_dir / "model.onnx").stat().st_size,
                        "teacher_fp32_model_onnx": (teacher_dir / "model.onnx").stat().st_size,
                        "fp16kv_variant_dir": dir_size(fp16_dir)},
        "int4_ops": count_ops(out_dir / "model.onnx"),
        "evaluation": results,
        "environment": {"torch": torch.__version__, "onnxruntime": ort.__version__, "device": str(device),
                        "gpu": torch.cuda.get_device_name(0) if torch.cuda.is_available() else None},
        "seconds": round(time.time() - t_start, 1),
    }
    (args.out / "recipes" / "last_report.json").parent.mkdir(parents=True, exist_ok=True)
    (args.out / "recipes" / "last_report.json").write_text(json.dumps(report, indent=2) + "\n")
    write_model_card(out_dir / "MODEL_CARD.md", report)
    log(f"done in {report['seconds']}s")


if __name__ == "__main__":
    main()
