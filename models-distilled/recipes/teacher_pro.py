#!/usr/bin/env python3
"""Builds iot-assist-pro: the teacher of EdgeLLM's default model, shipped in INT4 with the default model
(the distilled student) as its speculative-decoding draft.

  shipped tokenizer (models-distilled/iot-assist/tokenizer.json, NOT retrained) -> data (same seed) ->
  teacher (same config and seed as pipeline.py) -> ONNX in the GenAI layout -> INT4 MatMulNBits (block 32,
  accuracy_level 4, like the student) -> held-out evaluation (teacher FP32, teacher INT4, and the shipped
  student INT4 for the draft agreement) -> smoke.json -> iot-assist-pro/ + MODEL_CARD.md

    python3 models-distilled/recipes/teacher_pro.py --out models-distilled
    python3 models-distilled/recipes/teacher_pro.py --out /tmp/quick --quick    # plumbing check, not a model

Why the shipped tokenizer: speculative decoding compares the draft's and the target's token ids one for
one, so the pair must share one tokenizer byte for byte (EdgeLLM refuses a pair whose tokenizer.json
differs). Retraining the tokenizer would give a different vocabulary; reading the shipped one keeps the
student as it is.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import logging
import shutil
import sys
import time
from pathlib import Path

import onnxruntime as ort
import torch
from tokenizers import Tokenizer

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bpe_tokenizer import SPECIAL_TOKENS  # noqa: E402
from evaluate import evaluate  # noqa: E402
from genai_export import (build_decoder, count_ops, quantize_int4, save_fp32, write_genai_config,  # noqa: E402
                          write_hf_configs)
from iot_data import Example, make_splits  # noqa: E402
from pipeline import BATCH, CONTEXT_LENGTH, model_configs, verify_export  # noqa: E402
from pro_model_card import write_pro_model_card  # noqa: E402
from smoke import make_smoke, write_smoke  # noqa: E402
from train import PaddedData, encode_examples, train_teacher  # noqa: E402

MODEL_ID = "iot-assist-pro"
MODEL_VERSION = "2026.12.01"
DRAFT_DIR = "iot-assist"
TOKENIZER_FILES = ("tokenizer.json", "tokenizer_config.json", "special_tokens_map.json")


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


def load_heldout(path: Path) -> list[Example]:
    rows = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    return [Example(r["task"], r["prompt"], r["answer"], r["system"], "") for r in rows]


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, required=True, help="root of the output (models-distilled)")
    ap.add_argument("--src", type=Path, default=Path(__file__).resolve().parent.parent,
                    help="models-distilled root holding the student (iot-assist/) and data/heldout.jsonl")
    ap.add_argument("--work", type=Path, default=Path("/tmp/edgellm-teacher-pro"), help="scratch directory")
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
    teacher_steps = 60 if q else 2000
    work = args.work
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)

    # 1. the shipped tokenizer and the data pipeline.py trained on (same seed, same splits)
    student_dir = args.src / DRAFT_DIR
    tok = Tokenizer.from_file(str(student_dir / "tokenizer.json"))
    ids = {t: tok.token_to_id(t) for t in SPECIAL_TOKENS}
    train, _ = make_splits(args.seed, n_train, n_heldout)
    heldout = load_heldout(args.src / "data" / "heldout.jsonl")
    if q:
        heldout = heldout[:100]
    log(f"tokenizer {student_dir / 'tokenizer.json'}: {tok.get_vocab_size()} tokens, specials {ids}; "
        f"data {len(train)} training, {len(heldout)} held-out")

    # 2. teacher: pipeline.py's config, seed, steps, batch and learning rate
    enc_train, enc_val = encode_examples(tok, train), encode_examples(tok, heldout)
    longest = max(len(e.ids) for e in enc_train + enc_val)
    assert longest < CONTEXT_LENGTH, longest
    t_cfg, _ = model_configs(tok.get_vocab_size())
    pad = ids["<|endoftext|>"]
    train_t, val_t = PaddedData(enc_train, pad, device), PaddedData(enc_val, pad, device)
    teacher, t_stats = train_teacher(t_cfg, train_t, val_t, device, teacher_steps, BATCH, 1e-3, args.seed, log)
    t_params = teacher.num_parameters()
    log(f"teacher parameters: {t_params:,}")

    # 3. export FP32 (evaluation only), INT4 (the product)
    fp32_dir = work / "teacher-fp32"
    out_dir = args.out / MODEL_ID
    for d in (fp32_dir, out_dir):
        shutil.rmtree(d, ignore_errors=True)
        d.mkdir(parents=True)
    save_fp32(build_decoder(teacher.float(), CONTEXT_LENGTH), fp32_dir / "model.onnx")
    write_genai_config(fp32_dir, teacher, ids, CONTEXT_LENGTH)
    diff = verify_export(teacher, fp32_dir / "model.onnx", enc_val, device)
    log(f"export check: max |torch - onnxruntime| logit difference {diff:.2e}")
    assert diff < 2e-3, "exported graph does not match the torch model"
    quantize_int4(fp32_dir / "model.onnx", out_dir / "model.onnx", block_size=32, accuracy_level=4)
    write_genai_config(out_dir, teacher, ids, CONTEXT_LENGTH)
    write_hf_configs(out_dir, teacher, ids, "float32")
    for name in TOKENIZER_FILES:
        shutil.copy(student_dir / name, out_dir / name)
    assert sha256(out_dir / "tokenizer.json") == sha256(student_dir / "tokenizer.json")
    (out_dir / "edgellm_model.json").write_text(json.dumps({
        "id": MODEL_ID, "version": MODEL_VERSION,
        "quantization": "int4 MatMulNBits, block 32, asymmetric, accuracy_level 4",
        "kv_cache_dtype": "float32",
        "description": "IoT command -> JSON action and telemetry -> status line (teacher of iot-assist)",
        "draft": f"../{DRAFT_DIR}"}, indent=2) + "\n")
    log(f"INT4 teacher: {(out_dir / 'model.onnx').stat().st_size / 1e6:.2f} MB")

    # 4. held-out evaluation, greedy, onnxruntime on the exported files; the student's predictions give the
    #    draft agreement (how often the draft alone already writes the teacher's whole answer)
    results, preds = {}, {}
    for name, d in (("teacher_fp32", fp32_dir), ("teacher_int4", out_dir), ("student_int4", student_dir)):
        t0 = time.time()
        r = evaluate(d, out_dir / "tokenizer.json", heldout, predictions=True)
        preds[name] = r.pop("predictions")
        results[name] = r
        log(f"eval {name}: {json.dumps({k: v for k, v in r.items() if k != 'sample_failures'})} ({time.time() - t0:.0f}s)")
    same = sum(a == b for a, b in zip(preds["teacher_int4"], preds["student_int4"]))
    agreement = round(same / max(1, len(heldout)), 4)
    log(f"draft agreement (student INT4 answer == teacher INT4 answer): {agreement}")

    # 5. smoke.json (EdgeLLM's tests replay it), report, model card
    write_smoke(out_dir / "smoke.json", make_smoke(out_dir, tok, MODEL_ID, MODEL_VERSION, log, min_cases=0 if q else 6))
    report = {
        "model": MODEL_ID, "version": MODEL_VERSION, "quick": q, "seed": args.seed, "draft": DRAFT_DIR,
        "data": {"train": len(train), "heldout": len(heldout), "tokens_longest": longest},
        "tokenizer": {"source": f"{DRAFT_DIR}/tokenizer.json", "sha256": sha256(out_dir / "tokenizer.json"),
                      "vocab_size": tok.get_vocab_size(), "special_tokens": ids},
        "teacher": {"config": t_cfg.to_dict(), "parameters": t_params, **t_stats},
        "export_max_logit_diff": diff,
        "sizes_bytes": {"teacher_int4_model_onnx": (out_dir / "model.onnx").stat().st_size,
                        "teacher_int4_dir": sum(p.stat().st_size for p in out_dir.iterdir() if p.is_file()),
                        "teacher_fp32_model_onnx": (fp32_dir / "model.onnx").stat().st_size},
        "int4_ops": count_ops(out_dir / "model.onnx"),
        "evaluation": results,
        "draft_answer_agreement": agreement,
        "environment": {"torch": torch.__version__, "onnxruntime": ort.__version__, "device": str(device),
                        "gpu": torch.cuda.get_device_name(0) if torch.cuda.is_available() else None},
        "seconds": round(time.time() - t_start, 1),
    }
    (args.out / "recipes").mkdir(parents=True, exist_ok=True)
    (args.out / "recipes" / "pro_report.json").write_text(json.dumps(report, indent=2) + "\n")
    write_pro_model_card(out_dir / "MODEL_CARD.md", report)
    log(f"done in {report['seconds']}s")


if __name__ == "__main__":
    main()
