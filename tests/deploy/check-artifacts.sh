#!/usr/bin/env bash
# What every artifact in DIST must be, whatever it runs on: each ELF of the app built for the artifact's architecture
# and needing no glibc symbol version above 2.35 (JetPack 6 is Ubuntu 22.04, glibc 2.35); no native code for another
# OS or architecture; sizes within the goals (tarball and .deb <= 25 MB, image archive <= 60 MB, the base install
# <= 64 MB with the default model). GenAI's library is in neither base tarball nor base .deb: it is the add-on
# (edgellm-genai-*.tar.xz, edgellm-genai_*.deb: that one file, for exactly this base version); the image keeps it
# (docs/DEPLOY.md, "Sizes"). Prints a size table.
# Usage: check-artifacts.sh DIST VERSION
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$HERE/lib.sh"
DIST="$1" VERSION="$2"
T="$(mktemp -d)"
trap 'rm -rf "$T"' EXIT
MB=$((1000 * 1000))
GLIBC_MAX=2.35
INSTALLED_MAX=$((64 * MB))
GENAI=libonnxruntime-genai.so

# check_elves DIR ARCH NAME: every ELF under DIR of ARCH, needing no glibc above GLIBC_MAX, and none for another OS;
# prints how many.
check_elves() {
  local dir="$1" arch="$2" name="$3" want count=0
  want="$([ "$arch" = arm64 ] && echo 'ARM aarch64' || echo 'x86-64')"
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
  printf '%s\n' "$count"
}

# check_app DIR ARCH NAME [genai]: the app folder inside one artifact; GenAI's library only where the 4th argument says.
check_app() {
  local dir="$1" arch="$2" name="$3" count
  [ -x "$dir/edgellm" ] || fail "$name: no app binary"
  if [ "${4:-}" = genai ]; then
    [ -f "$dir/$GENAI" ] || fail "$name: no $GENAI"
  else
    ! find "$dir" -name 'libonnxruntime-genai*' | grep -q . || fail "$name: carries GenAI's library (the add-on's): $(find "$dir" -name 'libonnxruntime-genai*')"
  fi
  count="$(check_elves "$dir" "$arch" "$name")" || exit 1
  [ "$count" -ge 3 ] || fail "$name: only $count ELF files"
  printf '%s\n' "$count"
}

# check_addon DIR ARCH NAME PATH: the add-on's payload is GenAI's library at PATH under DIR and nothing else.
check_addon() {
  local dir="$1" arch="$2" name="$3" path="$4" files count
  files="$(cd "$dir" && find . -type f | sed 's|^\./||')"
  [ "$files" = "$path" ] || fail "$name: holds $(tr '\n' ' ' <<<"$files"), not only $path"
  count="$(check_elves "$dir" "$arch" "$name")" || exit 1
  [ "$count" = 1 ] || fail "$name: $GENAI is not an ELF"
}

# row NAME COMPRESSED INSTALLED ELVES [NOTE]: one line of the size table (MB = 10^6 bytes, and the bytes).
row() { printf '| %s | %.1f MB (%s) | %.1f MB (%s)%s | %s |\n' "$1" "$(bc -l <<<"$2 / $MB")" "$2" "$(bc -l <<<"$3 / $MB")" "$3" "${5:-}" "$4"; }

printf '| artifact | compressed | installed | ELF files |\n| --- | --- | --- | --- |\n'
for arch in x64 arm64; do
  deb="$([ "$arch" = arm64 ] && echo arm64 || echo amd64)"
  tgz="$DIST/edgellm-$VERSION-linux-$arch.tar.xz"
  pkg="$DIST/edgellm_${VERSION}_$deb.deb"
  img="$DIST/edgellm-$VERSION-linux-$arch.oci.tar"
  gtz="$DIST/edgellm-genai-$VERSION-linux-$arch.tar.xz"
  gpk="$DIST/edgellm-genai_${VERSION}_$deb.deb"
  for f in "$tgz" "$pkg" "$img" "$gtz" "$gpk"; do [ -f "$f" ] || fail "missing $f"; done

  mkdir -p "$T/tgz-$arch" && tar -xf "$tgz" -C "$T/tgz-$arch"
  app="$(echo "$T/tgz-$arch"/edgellm-*/app)"
  n="$(check_app "$app" "$arch" "$(basename "$tgz")")"
  size="$(stat -c %s "$tgz")"; inst="$(du -sb "$app" | cut -f1)"
  ((size <= 25 * MB)) || fail "$(basename "$tgz") is $((size / 1024)) KiB (> 25 MB)"
  ((inst <= INSTALLED_MAX)) || fail "$(basename "$tgz") installs $inst bytes (> $INSTALLED_MAX)"
  row "$(basename "$tgz")" "$size" "$inst" "$n"

  # The add-on's tarball: one file under the base tarball's folder name, so that both unpack into one app folder.
  mkdir -p "$T/gtz-$arch" && tar -xf "$gtz" -C "$T/gtz-$arch"
  check_addon "$T/gtz-$arch" "$arch" "$(basename "$gtz")" "edgellm-$VERSION-linux-$arch/app/$GENAI"
  size="$(stat -c %s "$gtz")"; inst="$(du -sb "$T/gtz-$arch/edgellm-$VERSION-linux-$arch/app/$GENAI" | cut -f1)"
  ((size <= 25 * MB)) || fail "$(basename "$gtz") is $((size / 1024)) KiB (> 25 MB)"
  row "$(basename "$gtz")" "$size" "$inst" 1 " (on top of the base)"

  dpkg-deb -x "$pkg" "$T/deb-$arch"
  [ "$(dpkg-deb -f "$pkg" Architecture)" = "$deb" ] || fail "$(basename "$pkg"): Architecture $(dpkg-deb -f "$pkg" Architecture)"
  n="$(check_app "$T/deb-$arch/usr/lib/edgellm" "$arch" "$(basename "$pkg")")"
  size="$(stat -c %s "$pkg")"; inst="$(du -sb "$T/deb-$arch" | cut -f1)"
  ((size <= 25 * MB)) || fail "$(basename "$pkg") is $((size / 1024)) KiB (> 25 MB)"
  ((inst <= INSTALLED_MAX)) || fail "$(basename "$pkg") installs $inst bytes (> $INSTALLED_MAX)"
  row "$(basename "$pkg")" "$size" "$inst" "$n"

  dpkg-deb -x "$gpk" "$T/gdeb-$arch"
  [ "$(dpkg-deb -f "$gpk" Architecture)" = "$deb" ] || fail "$(basename "$gpk"): Architecture $(dpkg-deb -f "$gpk" Architecture)"
  [ "$(dpkg-deb -f "$gpk" Depends)" = "edgellm (= $VERSION)" ] || fail "$(basename "$gpk"): Depends $(dpkg-deb -f "$gpk" Depends), not edgellm (= $VERSION)"
  check_addon "$T/gdeb-$arch" "$arch" "$(basename "$gpk")" "usr/lib/edgellm/$GENAI"
  size="$(stat -c %s "$gpk")"; inst="$(du -sb "$T/gdeb-$arch" | cut -f1)"
  ((size <= 25 * MB)) || fail "$(basename "$gpk") is $((size / 1024)) KiB (> 25 MB)"
  row "$(basename "$gpk")" "$size" "$inst" 1 " (on top of the base)"

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
  n="$(check_app "$T/img-$arch/root/usr/lib/edgellm" "$arch" "$(basename "$img")" genai)"
  size="$(stat -c %s "$img")"; inst="$(du -sb "$T/img-$arch/root" | cut -f1)"
  ((size <= 60 * MB)) || fail "$(basename "$img") is $((size / 1024)) KiB (> 60 MB)"
  row "$(basename "$img")" "$size" "$inst" "$n" " (with its Debian base and GenAI)"
done
echo "check-artifacts: ok"
