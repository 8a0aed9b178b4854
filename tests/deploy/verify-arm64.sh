#!/usr/bin/env bash
# The linux-arm64 tarball on an emulated Raspberry Pi 5 class CPU (qemu-user, Cortex-A76): --version, `run --chat`
# (the default model's JSON answer) and `serve` + one REST answer (../shared/references/arm64-emulation.md).
# Needs qemu-user-static and the arm64 C runtime (libc6:arm64 libstdc++6:arm64 libssl3:arm64), and
# root or unprivileged user namespaces for the private /proc/cpuinfo.
# Usage: verify-arm64.sh edgellm-VERSION-linux-arm64.tar.xz
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$HERE/lib.sh"
T="$(mktemp -d)"
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$T"; }
trap cleanup EXIT
tar -xf "$1" -C "$T"
APP="$(echo "$T"/edgellm-*/app)"
file -b "$APP/edgellm" | grep -q 'ARM aarch64' || fail "not an arm64 binary: $(file -b "$APP/edgellm")"

# ONNX Runtime's cpuinfo reads /proc/cpuinfo in a static initializer and crashes on qemu's x86 text: give the process
# an ARM one matching the emulated CPU, bind-mounted in a private mount namespace (the host's file is untouched).
CPU=cortex-a76
FAKE="$T/cpuinfo"
for ((i = 0; i < $(getconf _NPROCESSORS_CONF); i++)); do
  printf 'processor\t: %d\nBogoMIPS\t: 108.00\nFeatures\t: fp asimd evtstrm aes pmull sha1 sha2 crc32 atomics fphp asimdhp cpuid asimdrdm lrcpc dcpop asimddp\nCPU implementer\t: 0x41\nCPU architecture: 8\nCPU variant\t: 0x4\nCPU part\t: 0xd0b\nCPU revision\t: 1\n\n' "$i"
done > "$FAKE"
unshare_flags=(--mount --propagation private)
[ "$(id -u)" -eq 0 ] || unshare_flags=(-r "${unshare_flags[@]}")
# (An array, so that `ARM... &` leaves `$!` the emulated process itself: SIGTERM then reaches the service.)
ARM=(env QEMU_CPU=$CPU unshare "${unshare_flags[@]}" sh -c 'mount --bind "$0" /proc/cpuinfo && exec qemu-aarch64-static "$@"' "$FAKE")
arm() { "${ARM[@]}" "$@"; }

version="$(arm "$APP/edgellm" --version | head -n 1)"
grep -q EdgeLLM <<<"$version" || fail "--version: $version"
note "arm64 --version: $version"
answer="$(arm "$APP/edgellm" run --chat "$PROMPT")"
is_kitchen_answer "$answer" || fail "arm64 run --chat answered: $answer"
note "arm64 run --chat: $answer"
REST_PORT="$(free_port)"
"${ARM[@]}" "$APP/edgellm" serve --EdgeLLM:Mqtt:Enabled=false --EdgeLLM:StateDir="$T/state" \
  --EdgeLLM:Http:Urls="http://127.0.0.1:$REST_PORT" >"$T/serve.log" 2>&1 &
SERVE=$!; PIDS+=($SERVE)
wait_ready "$REST_PORT" 240 "$SERVE" || { cat "$T/serve.log"; fail "arm64 serve did not become ready"; }
body="$(rest_chat "$REST_PORT")"
is_kitchen_answer "$body" || fail "arm64 REST answered: $body"
note "arm64 REST: ok"
kill -TERM "$SERVE"; wait "$SERVE" || fail "arm64 serve exited $? on SIGTERM"
echo "verify-arm64: ok ($(basename "$1"))"
