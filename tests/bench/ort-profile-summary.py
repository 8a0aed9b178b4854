#!/usr/bin/python3
"""Where a decode step spends its time, from an ONNX Runtime profile (enable_profiling in genai_config.json).

usage: ort-profile-summary.py PROFILE.json

The first model_run is the prompt (prefill); every later one is a decode step. Prints each operator's share of
kernel time over the decode steps and its milliseconds per step; the LM head's MatMulNBits is shown apart.
"""
import collections
import json
import sys

events = json.load(open(sys.argv[1]))
runs = [e for e in events if e.get("cat") == "Session" and e["name"] == "model_run"]
if len(runs) < 2:
    sys.exit("the profile has no decode step (one model_run only)")
start = runs[1]["ts"]
steps = len(runs) - 1
per_op = collections.Counter()
for e in events:
    if e.get("cat") == "Node" and e["name"].endswith("_kernel_time") and e["ts"] >= start:
        op = e["args"].get("op_name", "?")
        if op == "MatMulNBits" and "lm_head" in e["name"]:
            op = "MatMulNBits (LM head)"
        per_op[op] += e["dur"]
total = sum(per_op.values())
run_ms = sum(r["dur"] for r in runs[1:]) / steps / 1000
print(f"{steps} decode steps: {run_ms:.2f} ms per Run, {total / steps / 1000:.2f} ms in kernels")
for op, us in per_op.most_common():
    print(f"{op:34s} {100 * us / total:5.1f} %  {us / steps / 1000:8.2f} ms/step")
