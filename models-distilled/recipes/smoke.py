"""Writes smoke.json: prompts with the exact greedy token ids and text that onnxruntime produced for a
model directory. EdgeLLM's engine tests and OTA smoke tests replay these cases and require identical ids.

Each case is decoded with both KV-cache styles and they must agree. Cases are kept only when every
greedy step had a clear winner (top-1 minus top-2 logit >= MIN_MARGIN): INT4 kernels may round
differently on another CPU, and a near-tie would make such a case flaky rather than informative.
"""
from __future__ import annotations

import json
from pathlib import Path

from tokenizers import Tokenizer

from bpe_tokenizer import render_chat
from ort_decode import OrtDecoder

MIN_MARGIN = 0.5
MAX_NEW_TOKENS = 48

SMOKE_PROMPTS: list[tuple[str, list[dict]]] = [
    ("command-kitchen-lights", [{"role": "user", "content": "turn on the kitchen lights at 7pm"}]),
    ("command-thermostat", [{"role": "user", "content": "set the thermostat in the living room to 21C"}]),
    ("command-lock", [{"role": "user", "content": "please lock the front door"}]),
    ("command-blinds-relative", [{"role": "user", "content": "close the bedroom blinds in 20 minutes"}]),
    ("command-with-system", [{"role": "system", "content": "You control smart-home devices and read sensors."},
                             {"role": "user", "content": "Start the robot vacuum in the hallway tomorrow at 9am"}]),
    ("command-typo", [{"role": "user", "content": "swich off the garag lights"}]),
    ("telemetry-alarm", [{"role": "user", "content": "sensor=greenhouse-3 temp=47.5C hum=40%"}]),
    ("telemetry-warn", [{"role": "user", "content": "boiler-2, pressure 6.4bar, temp 30C"}]),
    ("telemetry-ok", [{"role": "user", "content": '{"sensor":"freezer-1","temp":"-18C","batt":"88%"}'}]),
    ("telemetry-battery", [{"role": "user", "content": "gate-7 reports battery 4% and temp 12.5C"}]),
    ("telemetry-co2", [{"role": "user", "content": "sensor update: office-2, co2 1450ppm, hum 45%"}]),
    ("telemetry-smoke", [{"role": "user", "content": "sensor=barn-1 temp=22C smoke=yes"}]),
]


def make_smoke(model_dir: Path, tokenizer: Tokenizer, model_id: str, version: str, log, min_cases: int = 6) -> dict:
    decoder = OrtDecoder(model_dir, threads=4)
    cases, dropped = [], []
    for name, messages in SMOKE_PROMPTS:
        prompt = render_chat(messages)
        ids = tokenizer.encode(prompt).ids
        grow = decoder.greedy(ids, MAX_NEW_TOKENS, share_buffer=False)
        shared = decoder.greedy(ids, MAX_NEW_TOKENS, share_buffer=True)
        if grow.ids != shared.ids or grow.finish_reason != shared.finish_reason:
            raise AssertionError(f"{name}: growing and shared KV caches disagree: {grow.ids} vs {shared.ids}")
        text = tokenizer.decode(grow.ids, skip_special_tokens=True)
        case = {"name": name, "messages": messages, "prompt": prompt, "prompt_ids": ids, "output_ids": grow.ids,
                "text": text, "finish_reason": grow.finish_reason, "min_logit_margin": round(grow.min_margin, 3)}
        (cases if grow.min_margin >= MIN_MARGIN else dropped).append(case)
        log(f"smoke {name}: margin {grow.min_margin:.2f} -> {text!r}")
    if len(cases) < min_cases:
        raise AssertionError(f"only {len(cases)} smoke cases have a clear greedy margin; dropped {[c['name'] for c in dropped]}")
    return {
        "model": model_id,
        "version": version,
        "reference": "onnxruntime 1.30.0 (Python, CPUExecutionProvider), greedy, both KV-cache styles",
        "max_new_tokens": MAX_NEW_TOKENS,
        "min_logit_margin": MIN_MARGIN,
        "cases": cases,
    }


def write_smoke(path: Path, smoke: dict) -> None:
    path.write_text(json.dumps(smoke, indent=1, ensure_ascii=False) + "\n")
