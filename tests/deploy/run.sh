#!/usr/bin/env bash
# The release artifacts' checks (run by `./install.sh --test` after the xunit suite, on the artifacts that
# `./install.sh --package` builds): each check a script of its own, each result a PASS or FAIL line, and a summary.
# Usage: run.sh DIST VERSION
set -uo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
DIST="$(readlink -f "$1")" VERSION="$2"
passed=0 failed=0 failures=()
check() {
  local name="$1"; shift
  local start=$SECONDS
  printf '\033[1;34m--- %s\033[0m\n' "$name"
  if "$@"; then
    passed=$((passed + 1)); printf 'PASS %s (%d s)\n' "$name" $((SECONDS - start))
  else
    failed=$((failed + 1)); failures+=("$name"); printf 'FAIL %s (%d s)\n' "$name" $((SECONDS - start))
  fi
}
smoke_tarball() {
  local t; t="$(mktemp -d)"
  tar -xf "$DIST/edgellm-$VERSION-linux-x64.tar.xz" -C "$t" && "$HERE/smoke-app.sh" "$t"/edgellm-*/app
  local rc=$?; rm -rf "$t"; return $rc
}
check "artifacts: architecture, glibc <= 2.35, no other OS, GenAI only in the add-on and the image, sizes" "$HERE/check-artifacts.sh" "$DIST" "$VERSION"
check "x64 Native AOT app: run, serve + REST + MQTT, OTA update" smoke_tarball
check "x64 .deb on a clean Debian 12: install, serve, GenAI add-on on and off, OTA, upgrade, purge" "$HERE/verify-deb.sh" \
  "$DIST/edgellm_${VERSION}_amd64.deb" "$DIST/edgellm-genai_${VERSION}_amd64.deb"
check "x64 OCI image: inspect, unpack, run as its user" "$HERE/verify-oci.sh" "$DIST/edgellm-$VERSION-linux-x64.oci.tar"
check "arm64 OCI image: inspect, unpack" "$HERE/verify-oci.sh" "$DIST/edgellm-$VERSION-linux-arm64.oci.tar"
check "arm64 tarball under qemu: --version, run --chat, serve + REST" "$HERE/verify-arm64.sh" "$DIST/edgellm-$VERSION-linux-arm64.tar.xz"
[ "$failed" -eq 0 ] || printf 'failed: %s\n' "${failures[*]}"
printf 'deploy: %d passed, %d failed\n' "$passed" "$failed"
[ "$failed" -eq 0 ]
