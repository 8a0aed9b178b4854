#!/usr/bin/env python3
"""Builds variants/iot-assist-weak-draft: a tiny, briefly trained model on the shipped tokenizer, used by EdgeLLM's
tests as a draft that often disagrees with its target (speculative decoding must then reject and still give the
target's output token for token). Not a model to use: it knows the answers' shape, not their content.

    python3 models-distilled/recipes/weak_draft.py --out models-distilled
"""
from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
from pathlib import Path

import torch
from tokenizers import Tokenizer

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bpe_tokenizer import SPECIAL_TOKENS  # noqa: E402
from genai_export import build_decoder, quantize_int4, save_fp32, write_genai_config  # noqa: E402
from iot_data import make_splits  # noqa: E402
from llama_model import LlamaConfig  # noqa: E402
from pipeline import BATCH, CONTEXT_LENGTH  # noqa: E402
from teacher_pro import DRAFT_DIR, TOKENIZER_FILES  # noqa: E402
from train import PaddedData, encode_examples, train_teacher  # noqa: E402

MODEL_ID = "iot-assist-weak-draft"
STEPS = 150


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, required=True, help="root of the output (models-distilled)")
    ap.add_argument("--src", type=Path, default=Path(__file__).resolve().parent.parent)
    ap.add_argument("--seed", type=int, default=1234)
    args = ap.parse_args()
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    log = lambda m: print(f"[{time.strftime('%H:%M:%S')}] {m}", flush=True)  # noqa: E731
    tok_dir = args.src / DRAFT_DIR
    tok = Tokenizer.from_file(str(tok_dir / "tokenizer.json"))
    ids = {t: tok.token_to_id(t) for t in SPECIAL_TOKENS}
    train, heldout = make_splits(args.seed, 8000, 200)
    cfg = LlamaConfig(vocab_size=tok.get_vocab_size(), hidden_size=128, num_hidden_layers=2, num_attention_heads=2,
                      num_key_value_heads=1, intermediate_size=352, max_position_embeddings=CONTEXT_LENGTH)
    pad = ids["<|endoftext|>"]
    data = PaddedData(encode_examples(tok, train), pad, device)
    val = PaddedData(encode_examples(tok, heldout), pad, device)
    model, stats = train_teacher(cfg, data, val, device, STEPS, BATCH, 2e-3, args.seed, log)
    out = args.out / "variants" / MODEL_ID
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    fp32 = Path("/tmp") / f"{MODEL_ID}-fp32.onnx"
    save_fp32(build_decoder(model.float(), CONTEXT_LENGTH), fp32)
    quantize_int4(fp32, out / "model.onnx", block_size=32, accuracy_level=4)
    write_genai_config(out, model, ids, CONTEXT_LENGTH)
    for name in TOKENIZER_FILES:
        shutil.copy(tok_dir / name, out / name)
    (out / "edgellm_model.json").write_text(json.dumps({
        "id": MODEL_ID, "version": "2026.12.01", "quantization": "int4 MatMulNBits, block 32, asymmetric, accuracy_level 4",
        "kv_cache_dtype": "float32",
        "description": f"test asset: {model.num_parameters():,} parameters, {STEPS} training steps (held-out CE {stats['heldout_ce']}); "
                       "a draft that often disagrees with iot-assist-pro"}, indent=2) + "\n")
    log(f"{out}: {(out / 'model.onnx').stat().st_size / 1e6:.2f} MB, held-out CE {stats['heldout_ce']}")


if __name__ == "__main__":
    main()
