#!/usr/bin/python3
"""Each Run shape's cost, from an ONNX Runtime profile (enable_profiling in genai_config.json).

usage: ort-profile-by-batch.py PROFILE.json

Groups every model_run by the rows of its first MatMulNBits input ((1, 1): a single-stream decode step, (8, 1): a
step of 8 sequences, (n, S): a prefill of n prompts of S tokens) and prints, per group, the milliseconds per Run and
the operators' share of kernel time; the LM head's MatMulNBits is shown apart.
"""
import bisect
import collections
import json
import sys

events = json.load(open(sys.argv[1]))
runs = sorted((e for e in events if e.get("cat") == "Session" and e["name"] == "model_run"), key=lambda e: e["ts"])
starts = [r["ts"] for r in runs]
shape = {}
per_run = collections.defaultdict(collections.Counter)
for e in events:
    if e.get("cat") != "Node" or not e["name"].endswith("_kernel_time"):
        continue
    i = bisect.bisect_right(starts, e["ts"]) - 1
    if i < 0:
        continue
    op = e["args"].get("op_name", "?")
    if op == "MatMulNBits":
        first = e["args"].get("input_type_shape", [{}])[0]
        dims = next(iter(first.values()), []) if first else []
        shape.setdefault(i, tuple(dims[:-1]))
        if "lm_head" in e["name"]:
            op = "MatMulNBits (LM head)"
    per_run[i][op] += e["dur"]
groups = collections.defaultdict(list)
for i in range(len(runs)):
    groups[shape.get(i, ())].append(i)
for rows, members in sorted(groups.items()):
    n = len(members)
    total = collections.Counter()
    for i in members:
        total.update(per_run[i])
    kernels = sum(total.values())
    print(f"rows {rows}: {n} runs, {sum(runs[i]['dur'] for i in members) / n / 1000:.1f} ms per Run, {kernels / n / 1000:.1f} ms in kernels")
    for op, us in total.most_common(6):
        print(f"   {op:34s} {us / n / 1000:9.2f} ms/run  {100 * us / kernels:5.1f} %")
