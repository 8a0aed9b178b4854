#!/usr/bin/env bash
# The benchmark runs behind docs/PERFORMANCE.md, on the 0.5B shape with random weights.
#
#   tests/bench/quiet-bench.sh OUT_DIR [EDGELLM]
#
# A speed figure counts only from a quiet machine: this refuses to start while the one-minute load average is 1.5 or
# more, and every bench prints the load at each round's start and end. EDGELLM is the binary to measure (default: the
# Native AOT app that ./install.sh --package builds, else `edgellm` on PATH). Peers: ONNX Runtime GenAI in process,
# transformers.js and llama.cpp through node (tests/setup-test-assets.sh installs their node_modules).
set -euo pipefail
out="${1:?usage: quiet-bench.sh OUT_DIR [EDGELLM]}"
repo="$(cd "$(dirname "$0")/../.." && pwd)"
edgellm="${2:-$(command -v edgellm || true)}"
[ -x "$edgellm" ] || { echo "quiet-bench: no edgellm binary (give its path)" >&2; exit 2; }
mkdir -p "$out"
peers=(--peer-node-modules "$repo/tests/EdgeLLM.Tokenizers.Tests/Conformance/node_modules"
       --llamacpp-node-modules "$repo/tests/bench/llamacpp-peer/node_modules")

load="$(cut -d' ' -f1 /proc/loadavg)"
if ! awk -v l="$load" 'BEGIN { exit !(l < 1.5) }'; then
  echo "quiet-bench: load average $load is 1.5 or more: stop what runs and try again" >&2
  exit 3
fi

run() {
  local name="$1"; shift
  echo "load average before: $(cut -d' ' -f1 /proc/loadavg)" | tee "$out/$name.txt"
  "$edgellm" bench --synthetic qwen2.5-0.5b "$@" 2>"$out/$name.progress" | tee -a "$out/$name.txt"
  echo "load average after: $(cut -d' ' -f1 /proc/loadavg)" | tee -a "$out/$name.txt"
}

# Four runtimes, interleaved rounds, one and two threads (two with eight streams: grouped prefill and batched decode).
run peers-1t --threads 1 --prompt-tokens 64 --gen-tokens 64 --runs 3 --warmup 1 --rounds 3 --compare-peer "${peers[@]}"
run peers-2t --threads 2 --prompt-tokens 64 --gen-tokens 64 --runs 3 --warmup 1 --rounds 3 --compare-peer --concurrency 1,8 "${peers[@]}"
# Logits only where read, on and off, alternating (A B A B A B): EdgeLLM alone, two threads; eight 64-token prompts
# at once show grouped prefill (one group of 8 with one logits row each, against groups of 3 with every row).
for round in 1 2 3; do
  for select in true false; do
    EDGELLM__ENGINE__SELECTLOGITSPOSITIONS=$select run "logits-$select-$round" --threads 2 --prompt-tokens 64 --gen-tokens 16 --runs 3 --warmup 1 --concurrency 8
  done
done
# Chunked prefill under staggered arrivals (issue 26): first-token latency, and the longest gap of a running stream
# while others are admitted; chunk sizes interleaved (0 32 16, then again).
for round in 1 2 3; do
  for chunk in 0 32 16; do
    run "arrivals-chunk$chunk-$round" --threads 2 --concurrency 1 --runs 1 --warmup 0 --prompt-tokens 64 --gen-tokens 32 \
      --arrivals 8 --prefill-chunk "$chunk"
  done
done
