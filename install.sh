#!/usr/bin/env bash
# EdgeLLM installer. Idempotent: every step checks before it acts, so re-running is safe.
#
#   ./install.sh            set up, build, install and start the service (root, or a user with sudo)
#   ./install.sh --test     set up, build and run the whole test suite (what CI runs)
#   ./install.sh --build    set up and build only
#
# Environment:
#   EDGELLM_ORT_LIBRARY   use this libonnxruntime.so instead of the pinned official build
#                         (a CUDA/TensorRT build on Jetson, a QNN or OpenVINO build, ...)
#   EDGELLM_SKIP_APT=1    do not touch system packages
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
MODE="${1:-service}"
case "$MODE" in
  --test|test) MODE=test ;;
  --build|build) MODE=build ;;
  service|--service) MODE=service ;;
  -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
  *) echo "install.sh: unknown mode '$MODE' (use --test, --build or nothing)" >&2; exit 2 ;;
esac

# ONNX Runtime: the official build inside the npm package onnxruntime-node, pinned by version and SHA-256.
ORT_VERSION="1.30.0"
ORT_TGZ_SHA256="6e3390d6b783e7be946fad629292799da28d0b42f84856e50d2c1b0383291e75"
declare -A ORT_SO_SHA256=(
  [x64]="ffb75a925ba05e47b235bb66e3e3911714a80b328a9c9425539feb204aa32a23"
  [arm64]="1f549d46250b005580b597f4164984aaf75b3bcb9f3aeb07c7f8a8fe60b23c76"
)

CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/edgellm"
NATIVE="$REPO/.native"

log() { printf '\033[1;34m==>\033[0m %s\n' "$*"; }
die() { printf 'install.sh: %s\n' "$*" >&2; exit 1; }

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; fi
fi
as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif [ -n "$SUDO" ]; then sudo "$@"; else die "needs root for: $*"; fi
}

machine_arch() {
  case "$(uname -m)" in
    x86_64|amd64) echo x64 ;;
    aarch64|arm64) echo arm64 ;;
    *) die "unsupported CPU architecture $(uname -m); EdgeLLM ships ONNX Runtime for x86_64 and aarch64" ;;
  esac
}

sha256_of() { sha256sum "$1" | cut -d' ' -f1; }

install_apt_packages() {
  [ "${EDGELLM_SKIP_APT:-0}" = "1" ] && { log "skipping system packages (EDGELLM_SKIP_APT=1)"; return; }
  command -v apt-get >/dev/null 2>&1 || { log "no apt-get: install mosquitto, mosquitto-clients and libmosquitto1 yourself"; return; }
  local want=(mosquitto mosquitto-clients libmosquitto1 ca-certificates curl)
  # python3-onnx/python3-numpy: the recipe of `edgellm bench --synthetic` bench models (and its test).
  [ "$MODE" = test ] && want+=(npm python3-onnx python3-numpy)
  local missing=()
  for p in "${want[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ "$MODE" = test ] || [ "$MODE" = service ]; then
    command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 && missing=("${missing[@]/npm}")
  fi
  local clean=()
  for p in "${missing[@]}"; do [ -n "$p" ] && clean+=("$p"); done
  if [ "${#clean[@]}" -gt 0 ]; then
    log "installing system packages: ${clean[*]}"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${clean[@]}" >/dev/null
  else
    log "system packages present"
  fi
}

install_dotnet() {
  if command -v dotnet >/dev/null 2>&1 && dotnet --list-sdks 2>/dev/null | grep -q '^10\.'; then
    log "dotnet SDK 10 present"
    return
  fi
  command -v apt-get >/dev/null 2>&1 || die ".NET 10 SDK missing: install it (https://learn.microsoft.com/dotnet/core/install/linux)"
  log "installing the .NET 10 SDK"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq dotnet-sdk-10.0 >/dev/null \
    || die ".NET 10 SDK missing and not installable from apt here: install it, then re-run"
}

# Fetches onnxruntime-node@$ORT_VERSION with npm pack and extracts the linux libraries,
# each checked against its pinned SHA-256 before it is used.
install_onnxruntime() {
  if [ -n "${EDGELLM_ORT_LIBRARY:-}" ]; then
    [ -f "$EDGELLM_ORT_LIBRARY" ] || die "EDGELLM_ORT_LIBRARY=$EDGELLM_ORT_LIBRARY does not exist"
    log "using ONNX Runtime from EDGELLM_ORT_LIBRARY=$EDGELLM_ORT_LIBRARY"
  fi
  local all_ok=1 arch
  for arch in x64 arm64; do
    local so="$NATIVE/onnxruntime/linux-$arch/libonnxruntime.so.1"
    if [ ! -f "$so" ] || [ "$(sha256_of "$so")" != "${ORT_SO_SHA256[$arch]}" ]; then all_ok=0; fi
  done
  if [ "$all_ok" = 1 ]; then log "ONNX Runtime $ORT_VERSION present (SHA-256 verified)"; return; fi

  command -v npm >/dev/null 2>&1 || die "npm is needed to fetch onnxruntime-node@$ORT_VERSION (apt-get install npm)"
  mkdir -p "$CACHE"
  local tgz="$CACHE/onnxruntime-node-$ORT_VERSION.tgz"
  if [ ! -f "$tgz" ] || [ "$(sha256_of "$tgz")" != "$ORT_TGZ_SHA256" ]; then
    log "fetching onnxruntime-node@$ORT_VERSION (npm pack)"
    rm -f "$tgz"
    (cd "$CACHE" && npm pack --silent "onnxruntime-node@$ORT_VERSION" >/dev/null)
  fi
  [ "$(sha256_of "$tgz")" = "$ORT_TGZ_SHA256" ] || die "onnxruntime-node-$ORT_VERSION.tgz has SHA-256 $(sha256_of "$tgz"), expected $ORT_TGZ_SHA256"
  local tmp; tmp="$(mktemp -d)"
  tar -xzf "$tgz" -C "$tmp" package/bin/napi-v6/linux
  for arch in x64 arm64; do
    local src="$tmp/package/bin/napi-v6/linux/$arch/libonnxruntime.so.1"
    local got; got="$(sha256_of "$src")"
    [ "$got" = "${ORT_SO_SHA256[$arch]}" ] || { rm -rf "$tmp"; die "libonnxruntime.so.1 ($arch) has SHA-256 $got, expected ${ORT_SO_SHA256[$arch]}"; }
    mkdir -p "$NATIVE/onnxruntime/linux-$arch"
    install -m 0644 "$src" "$NATIVE/onnxruntime/linux-$arch/libonnxruntime.so.1.tmp"
    mv -f "$NATIVE/onnxruntime/linux-$arch/libonnxruntime.so.1.tmp" "$NATIVE/onnxruntime/linux-$arch/libonnxruntime.so.1"
  done
  rm -rf "$tmp"
  log "ONNX Runtime $ORT_VERSION installed into .native/ (SHA-256 verified)"
}

build_solution() {
  log "building EdgeLLM.sln"
  (cd "$REPO" && dotnet build EdgeLLM.sln -c Release -warnaserror -nologo -clp:ErrorsOnly)
}

run_tests() {
  log "running the test suite"
  (cd "$REPO" && dotnet test EdgeLLM.sln -c Release --no-build -nologo)
}

install_apt_packages
install_dotnet
install_onnxruntime
[ "$MODE" = test ] && [ -x "$REPO/tests/setup-test-assets.sh" ] && "$REPO/tests/setup-test-assets.sh"
build_solution

case "$MODE" in
  build) log "built; run: dotnet run --project src/EdgeLLM.Cli -c Release -- --version" ;;
  test) run_tests ;;
  service) "$REPO/deploy/install-service.sh" ;;
esac
