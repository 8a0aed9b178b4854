#!/usr/bin/env bash
# What every artifact in DIST must be, whatever it runs on: each ELF of the app built for the artifact's architecture
# and needing no glibc symbol version above 2.35 (JetPack 6 is Ubuntu 22.04, glibc 2.35); no native code for another
# OS or architecture; sizes within the goals (tarball and .deb <= 25 MB, image archive <= 60 MB). The installed app
# is held at <= 72 MB: the goal is 64 MB, and Microsoft's stripped ONNX Runtime (29 MB) and GenAI (13 MB) libraries,
# the 20 MB AOT binary and the 6 MB model add up to 69 MB (docs/DEPLOY.md, "Sizes"). Prints a size table.
# Usage: check-artifacts.sh DIST VERSION
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$HERE/lib.sh"
DIST="$1" VERSION="$2"
T="$(mktemp -d)"
trap 'rm -rf "$T"' EXIT
MB=$((1000 * 1000))
GLIBC_MAX=2.35
INSTALLED_MAX=$((72 * MB))

# check_app DIR ARCH NAME: every ELF under DIR (the app folder inside one artifact).
check_app() {
  local dir="$1" arch="$2" name="$3" want count=0
  want="$([ "$arch" = arm64 ] && echo 'ARM aarch64' || echo 'x86-64')"
  [ -x "$dir/edgellm" ] || fail "$name: no app binary"
  ! find "$dir" \( -name '*.dll' -o -name '*.dylib' -o -name '*.exe' -o -path '*/runtimes/*' \) | grep -q . \
    || fail "$name: native code for another OS: $(find "$dir" -name '*.dll' -o -name '*.dylib' -o -path '*/runtimes/*' | head -n 3)"
  while IFS= read -r -d '' f; do
    if [ "$(head -c 4 "$f" | od -An -c | tr -d ' ')" = '177ELF' ]; then
      count=$((count + 1))
      file -b "$f" | grep -q "$want" || fail "$name: ${f#"$dir"/} is $(file -b "$f" | cut -d, -f1-2), not $want"
      local top
      top="$(readelf -W --version-info "$f" 2>/dev/null | grep -o 'GLIBC_[0-9][0-9.]*' | sed 's/GLIBC_//' | sort -uV | tail -n 1)"
      if [ -n "$top" ] && [ "$(printf '%s\n%s\n' "$top" "$GLIBC_MAX" | sort -V | tail -n 1)" != "$GLIBC_MAX" ]; then
        fail "$name: ${f#"$dir"/} needs GLIBC_$top (> $GLIBC_MAX)"
      fi
    fi
  done < <(find "$dir" -type f -print0)
  [ "$count" -ge 3 ] || fail "$name: only $count ELF files"
  printf '%s\n' "$count"
}

printf '| artifact | compressed | installed | ELF files |\n| --- | --- | --- | --- |\n'
for arch in x64 arm64; do
  deb="$([ "$arch" = arm64 ] && echo arm64 || echo amd64)"
  tgz="$DIST/edgellm-$VERSION-linux-$arch.tar.xz"
  pkg="$DIST/edgellm_${VERSION}_$deb.deb"
  img="$DIST/edgellm-$VERSION-linux-$arch.oci.tar"
  for f in "$tgz" "$pkg" "$img"; do [ -f "$f" ] || fail "missing $f"; done

  mkdir -p "$T/tgz-$arch" && tar -xf "$tgz" -C "$T/tgz-$arch"
  app="$(echo "$T/tgz-$arch"/edgellm-*/app)"
  n="$(check_app "$app" "$arch" "$(basename "$tgz")")"
  size="$(stat -c %s "$tgz")"; inst="$(du -sb "$app" | cut -f1)"
  ((size <= 25 * MB)) || fail "$(basename "$tgz") is $((size / 1024)) KiB (> 25 MB)"
  ((inst <= INSTALLED_MAX)) || fail "$(basename "$tgz") installs $((inst / 1024)) KiB (> $((INSTALLED_MAX / MB)) MB)"
  printf '| %s | %.1f MB | %.1f MB | %s |\n' "$(basename "$tgz")" "$(bc -l <<<"$size / $MB")" "$(bc -l <<<"$inst / $MB")" "$n"

  dpkg-deb -x "$pkg" "$T/deb-$arch"
  [ "$(dpkg-deb -f "$pkg" Architecture)" = "$deb" ] || fail "$(basename "$pkg"): Architecture $(dpkg-deb -f "$pkg" Architecture)"
  n="$(check_app "$T/deb-$arch/usr/lib/edgellm" "$arch" "$(basename "$pkg")")"
  size="$(stat -c %s "$pkg")"; inst="$(du -sb "$T/deb-$arch" | cut -f1)"
  ((size <= 25 * MB)) || fail "$(basename "$pkg") is $((size / 1024)) KiB (> 25 MB)"
  ((inst <= INSTALLED_MAX)) || fail "$(basename "$pkg") installs $((inst / 1024)) KiB (> $((INSTALLED_MAX / MB)) MB)"
  printf '| %s | %.1f MB | %.1f MB | %s |\n' "$(basename "$pkg")" "$(bc -l <<<"$size / $MB")" "$(bc -l <<<"$inst / $MB")" "$n"

  mkdir -p "$T/img-$arch/layout" && tar -xf "$img" -C "$T/img-$arch/layout"
  mkdir -p "$T/img-$arch/root"
  for layer in $(python3 -c '
import json, sys
idx = json.load(open(sys.argv[1] + "/index.json"))
digest = idx["manifests"][0]["digest"].split(":")[1]
m = json.load(open(sys.argv[1] + "/blobs/sha256/" + digest))
print(" ".join(l["digest"].split(":")[1] for l in m["layers"]))' "$T/img-$arch/layout"); do
    tar -xzf "$T/img-$arch/layout/blobs/sha256/$layer" -C "$T/img-$arch/root" --no-same-owner 2>/dev/null
  done
  n="$(check_app "$T/img-$arch/root/usr/lib/edgellm" "$arch" "$(basename "$img")")"
  size="$(stat -c %s "$img")"; inst="$(du -sb "$T/img-$arch/root" | cut -f1)"
  ((size <= 60 * MB)) || fail "$(basename "$img") is $((size / 1024)) KiB (> 60 MB)"
  printf '| %s | %.1f MB | %.1f MB (with its Debian base) | %s |\n' "$(basename "$img")" "$(bc -l <<<"$size / $MB")" "$(bc -l <<<"$inst / $MB")" "$n"
done
echo "check-artifacts: ok"
