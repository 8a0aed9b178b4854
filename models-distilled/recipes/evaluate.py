"""Held-out evaluation with greedy decoding run by onnxruntime on exported files.

  command   -> exact match of the JSON action (parsed; a reply that is not JSON counts as wrong)
  telemetry -> severity accuracy (the word before the first ':'), plus exact match of the whole line
"""
from __future__ import annotations

import json
import multiprocessing as mp
import os
from pathlib import Path

from tokenizers import Tokenizer

from bpe_tokenizer import render_chat
from iot_data import Example, to_messages
from ort_decode import OrtDecoder

_worker: dict = {}


def _init(model_dir: str, tokenizer_path: str):
    _worker["decoder"] = OrtDecoder(Path(model_dir), threads=1)
    _worker["tok"] = Tokenizer.from_file(tokenizer_path)


def _predict(args: tuple[str, str | None]) -> str:
    prompt, system = args
    msgs = ([] if system is None else [{"role": "system", "content": system}]) + [{"role": "user", "content": prompt}]
    ids = _worker["tok"].encode(render_chat(msgs)).ids
    out = _worker["decoder"].greedy(ids, max_new_tokens=64)
    return _worker["tok"].decode(out.ids, skip_special_tokens=True)


def _json_equal(pred: str, gold: str) -> bool:
    try:
        return json.loads(pred) == json.loads(gold)
    except (json.JSONDecodeError, TypeError):
        return False


def evaluate(model_dir: Path, tokenizer_path: Path, heldout: list[Example], processes: int | None = None,
             predictions: bool = False) -> dict:
    """The metrics; with predictions=True also every decoded answer in held-out order (under 'predictions')."""
    processes = processes or min(16, os.cpu_count() or 1)
    with mp.get_context("spawn").Pool(processes, initializer=_init, initargs=(str(model_dir), str(tokenizer_path))) as pool:
        preds = pool.map(_predict, [(e.prompt, e.system) for e in heldout], chunksize=8)
    cmd = [(e, p) for e, p in zip(heldout, preds) if e.task == "command"]
    tel = [(e, p) for e, p in zip(heldout, preds) if e.task == "telemetry"]
    json_ok = sum(_json_equal(p, e.answer) for e, p in cmd)
    sev_ok = sum(p.split(":", 1)[0].strip() == e.answer.split(":", 1)[0] for e, p in tel)
    line_ok = sum(p.strip() == e.answer for e, p in tel)
    failures = [{"task": e.task, "prompt": e.prompt, "expected": e.answer, "got": p}
                for e, p in zip(heldout, preds)
                if (e.task == "command" and not _json_equal(p, e.answer))
                or (e.task == "telemetry" and p.split(":", 1)[0].strip() != e.answer.split(":", 1)[0])]
    result = {
        "command_exact_match": round(json_ok / max(1, len(cmd)), 4),
        "telemetry_severity_accuracy": round(sev_ok / max(1, len(tel)), 4),
        "telemetry_line_exact_match": round(line_ok / max(1, len(tel)), 4),
        "n_command": len(cmd),
        "n_telemetry": len(tel),
        "sample_failures": failures[:12],
    }
    if predictions:
        result["predictions"] = preds
    return result
