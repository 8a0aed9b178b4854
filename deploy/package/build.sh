#!/usr/bin/env bash
# Builds EdgeLLM's release artifacts into dist/ (called by `./install.sh --package`; docs/DEPLOY.md):
#
#   edgellm-<version>-linux-<arch>.tar.xz     self-contained Native AOT app + default model + install-device.sh
#   edgellm_<version>_<debarch>.deb           the same app under /usr/lib/edgellm, unit, conffile, maintainer scripts
#   edgellm-<version>-linux-<arch>.oci.tar    OCI image archive: a Debian 12 runtime base (no shell, no apt) + the app
#                                             with the GenAI library (an image is one unit; docs/DEPLOY.md)
#   edgellm-genai-<version>-linux-<arch>.tar.xz   the optional GenAI add-on: libonnxruntime-genai.so, which only the
#   edgellm-genai_<version>_<debarch>.deb         `genai` executor loads; the base tarball and .deb leave it out
#
# for linux-x64 and linux-arm64. Nothing needs the .NET runtime on the device: the binary is Native AOT and each
# artifact carries only its own architecture's native libraries. Needs: the .NET 10 SDK, clang + lld (the AOT
# linker; arm64 also the arm64 C runtime via multiarch), llvm-strip, dpkg-deb, umoci, mmdebstrap.
#
# Environment: EDGELLM_ARCHES ("x64 arm64"), EDGELLM_DIST (dist/), EDGELLM_VERSION (Directory.Build.props),
#              EDGELLM_DEB_MIRROR (the host's Debian mirror), EDGELLM_KINDS ("tar deb oci").
# `build.sh --app DIR ARCH` only makes the app folder (what ./install.sh installs on the machine it runs on).
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
HERE="$REPO/deploy/package"
DIST="${EDGELLM_DIST:-$REPO/dist}"
ARCHES="${EDGELLM_ARCHES:-x64 arm64}"
KINDS="${EDGELLM_KINDS:-tar deb oci}"
VERSION="${EDGELLM_VERSION:-$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' "$REPO/Directory.Build.props" | head -1)}"
[ -n "$VERSION" ] || { echo "package: no <Version> in Directory.Build.props" >&2; exit 1; }
WORK="$(mktemp -d)"
trap 'chmod -R u+w "$WORK" 2>/dev/null; rm -rf "$WORK"' EXIT
log() { printf '\033[1;34m==>\033[0m %s\n' "$*"; }
mkdir -p "$DIST"

debarch() { case "$1" in x64) echo amd64 ;; arm64) echo arm64 ;; esac; }

# The app folder every artifact carries: the AOT binary, this architecture's native libraries (stripped: the GenAI
# library ships with 20 MiB of debug info), device profiles, the default model, the bench's peer scripts.
# (split_genai then takes GenAI's library out into the add-on; `--app` keeps it.)
publish_app() {
  local arch="$1" out="$WORK/app-$1"
  log "publishing the Native AOT app for linux-$arch"
  (cd "$REPO" && dotnet publish src/EdgeLLM.Cli/EdgeLLM.Cli.csproj -c Release -r "linux-$arch" -o "$out" \
      -nologo -clp:ErrorsOnly -p:TreatWarningsAsErrors=true 1>&2)
  rm -f "$out"/*.dbg "$out"/*.pdb "$out"/*.xml
  llvm-strip --strip-unneeded "$out"/*.so
  mkdir -p "$out/models"
  cp -a "$REPO/models-distilled/iot-assist" "$out/models/iot-assist"
  cp "$REPO/README.md" "$out/README.md"
  install -m 0644 "$HERE/edgellm.json" "$out/edgellm.json.default"
  chmod -R u+rwX,go+rX,go-w "$out"
}

# ONNX Runtime GenAI's library (13 MB, a fifth of the app) is used only by the `genai` executor (the Jetson and NPU
# profiles); without it the service serves on EdgeLLM's executor. It leaves the base app for the add-on, so that the
# base install stays within 64 MB with the default model.
split_genai() {
  local arch="$1" lib="libonnxruntime-genai.so"
  [ -f "$WORK/app-$arch/$lib" ] || { echo "package: the publish for linux-$arch has no $lib" >&2; exit 1; }
  rm -rf "$WORK/genai-$arch"; mkdir -p "$WORK/genai-$arch"
  mv "$WORK/app-$arch/$lib" "$WORK/genai-$arch/$lib"
}

make_tar() {
  local arch="$1" name="edgellm-$VERSION-linux-$1"
  log "tarball $name.tar.xz"
  rm -rf "$WORK/$name"; mkdir -p "$WORK/$name"
  cp -a "$WORK/app-$arch" "$WORK/$name/app"
  install -m 0755 "$HERE/install-device.sh" "$WORK/$name/install-device.sh"
  install -m 0644 "$REPO/deploy/edgellm.service.in" "$WORK/$name/edgellm.service.in"
  # xz, not gzip: 29-32 MB with gzip against 19-21 MB with xz, for an app that is two thirds machine code.
  tar --owner=0 --group=0 --numeric-owner --sort=name -C "$WORK" -cf - "$name" | xz -T0 -9 > "$DIST/$name.tar.xz"
  # The add-on's one file sits under the base tarball's own folder name, so that unpacking both in one place merges
  # them and install-device.sh installs both (it also finds the add-on's tarball lying beside it).
  local addon="edgellm-genai-$VERSION-linux-$arch"
  log "tarball $addon.tar.xz (GenAI add-on)"
  rm -rf "$WORK/genai-tar-$arch"; mkdir -p "$WORK/genai-tar-$arch/$name/app"
  cp -a "$WORK/genai-$arch/libonnxruntime-genai.so" "$WORK/genai-tar-$arch/$name/app/"
  tar --owner=0 --group=0 --numeric-owner --sort=name -C "$WORK/genai-tar-$arch" -cf - "$name" | xz -T0 -9 > "$DIST/$addon.tar.xz"
}

make_deb() {
  local arch="$1" deb; deb="$(debarch "$1")"
  local root="$WORK/deb-$arch" name="edgellm_${VERSION}_$deb"
  log "Debian package $name.deb"
  rm -rf "$root"; mkdir -p "$root/DEBIAN" "$root/usr/lib" "$root/usr/bin" "$root/lib/systemd/system" "$root/etc/edgellm/trusted-keys"
  cp -a "$WORK/app-$arch" "$root/usr/lib/edgellm"
  ln -s ../lib/edgellm/edgellm "$root/usr/bin/edgellm"
  # The device profile's MemoryMax= comes in a drop-in the postinst writes; the packaged unit has none of its own.
  sed -e 's|@PREFIX@|/usr/lib/edgellm|g; s|^MemoryMax=@MEMORY_MAX@|MemoryMax=infinity|' "$REPO/deploy/edgellm.service.in" \
    > "$root/lib/systemd/system/edgellm.service"
  install -m 0644 "$HERE/edgellm.json" "$root/etc/edgellm/edgellm.json"
  local size; size="$(du -sk --exclude=DEBIAN "$root" | cut -f1)"
  sed -e "s|@VERSION@|$VERSION|; s|@ARCH@|$deb|; s|@SIZE@|$size|" "$HERE/debian/control" > "$root/DEBIAN/control"
  echo /etc/edgellm/edgellm.json > "$root/DEBIAN/conffiles"
  for s in postinst prerm postrm; do install -m 0755 "$HERE/debian/$s" "$root/DEBIAN/$s"; done
  dpkg-deb --root-owner-group -Zxz -b "$root" "$DIST/$name.deb" >/dev/null
  make_genai_deb "$arch"
}

# The GenAI add-on: the library where the app loads it from (beside the binary), for exactly this base version.
make_genai_deb() {
  local arch="$1" deb; deb="$(debarch "$1")"
  local root="$WORK/genai-deb-$arch" name="edgellm-genai_${VERSION}_$deb"
  log "Debian package $name.deb (GenAI add-on)"
  rm -rf "$root"; mkdir -p "$root/DEBIAN" "$root/usr/lib/edgellm"
  install -m 0644 "$WORK/genai-$arch/libonnxruntime-genai.so" "$root/usr/lib/edgellm/libonnxruntime-genai.so"
  local size; size="$(du -sk --exclude=DEBIAN "$root" | cut -f1)"
  sed -e "s|@VERSION@|$VERSION|g; s|@ARCH@|$deb|; s|@SIZE@|$size|" "$HERE/debian/genai/control" > "$root/DEBIAN/control"
  for s in postinst postrm; do install -m 0755 "$HERE/debian/genai/$s" "$root/DEBIAN/$s"; done
  dpkg-deb --root-owner-group -Zxz -b "$root" "$DIST/$name.deb" >/dev/null
}

# The image's base: only the runtime libraries the binary loads (glibc, libstdc++, OpenSSL) from Debian 12,
# extracted without maintainer scripts, no shell or package manager; CA certificates from this host's bundle.
make_base() {
  local arch="$1" deb; deb="$(debarch "$1")"
  local base="$WORK/base-$arch.tar"
  [ -f "$base" ] && return
  log "image base: Debian 12 runtime libraries for $deb (mmdebstrap)"
  local mirror="${EDGELLM_DEB_MIRROR:-$(sed -n 's/^URIs: *//p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -1)}"
  mmdebstrap --quiet --variant=extract --architectures="$deb" \
    --include=libc6,libgcc-s1,libstdc++6,libssl3,zlib1g,tzdata \
    --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-exclude=/usr/share/man/*' \
    --dpkgopt='path-exclude=/usr/share/locale/*' --dpkgopt='path-exclude=/usr/share/lintian/*' \
    --dpkgopt='path-exclude=/usr/bin/*' --dpkgopt='path-exclude=/usr/sbin/*' --dpkgopt='path-exclude=/sbin/*' --dpkgopt='path-exclude=/bin/*' \
    bookworm "$base" "${mirror:-http://deb.debian.org/debian}"
}

make_oci() {
  local arch="$1" deb; deb="$(debarch "$1")"
  local name="edgellm-$VERSION-linux-$arch" layout="$WORK/oci-$arch" rootfs="$WORK/rootfs-$arch"
  make_base "$arch"
  log "OCI image $name.oci.tar"
  rm -rf "$layout" "$rootfs"; mkdir -p "$rootfs"
  tar -C "$rootfs" -xf "$WORK/base-$arch.tar" --exclude='./dev/*' --exclude='./var/lib/dpkg/*' --exclude='./var/cache/*' --exclude='./var/log/*'
  # merged /usr as Debian 12 has it (the extract variant leaves the symlinks to the packages, which do not ship them)
  for d in bin sbin lib; do [ -e "$rootfs/$d" ] || ln -s "usr/$d" "$rootfs/$d"; done
  case "$deb" in amd64) [ -e "$rootfs/lib64" ] || ln -s usr/lib64 "$rootfs/lib64" ;; esac
  mkdir -p "$rootfs/etc/ssl/certs" "$rootfs/etc/edgellm/trusted-keys" "$rootfs/var/lib/edgellm" "$rootfs/tmp" "$rootfs/usr/bin"
  cp /etc/ssl/certs/ca-certificates.crt "$rootfs/etc/ssl/certs/ca-certificates.crt"
  printf 'root:x:0:0:root:/root:/usr/sbin/nologin\nedgellm:x:10001:10001:EdgeLLM:/var/lib/edgellm:/usr/sbin/nologin\n' > "$rootfs/etc/passwd"
  printf 'root:x:0:\nedgellm:x:10001:\n' > "$rootfs/etc/group"
  cp -a "$WORK/app-$arch" "$rootfs/usr/lib/edgellm"
  # The image keeps GenAI: it is pulled and updated as one unit, has no package manager to add an add-on with, and
  # stays within its 60 MB goal with it (docs/DEPLOY.md).
  cp -a "$WORK/genai-$arch/libonnxruntime-genai.so" "$rootfs/usr/lib/edgellm/"
  ln -s ../lib/edgellm/edgellm "$rootfs/usr/bin/edgellm"
  install -m 0644 "$HERE/edgellm.json" "$rootfs/etc/edgellm/edgellm.json"
  chmod 1777 "$rootfs/tmp"
  umoci init --layout "$layout" >/dev/null
  umoci new --image "$layout:$VERSION" >/dev/null
  umoci config --image "$layout:$VERSION" --architecture="$deb" --os=linux \
    --config.user=10001:10001 --config.workingdir=/var/lib/edgellm \
    --config.entrypoint=/usr/lib/edgellm/edgellm --config.cmd=serve --config.cmd=--config --config.cmd=/etc/edgellm/edgellm.json \
    --config.env=EDGELLM__STATEDIR=/var/lib/edgellm --config.volume=/var/lib/edgellm --config.exposedports=8080/tcp \
    --config.label=org.opencontainers.image.title=edgellm --config.label="org.opencontainers.image.version=$VERSION" >/dev/null
  # One layer: ownership fixed to root except the state directory, which belongs to the service's user.
  tar --owner=0 --group=0 --numeric-owner --sort=name -C "$rootfs" -cf "$WORK/layer-$arch.tar" .
  python3 "$HERE/chown-layer.py" "$WORK/layer-$arch.tar" var/lib/edgellm 10001
  umoci raw add-layer --image "$layout:$VERSION" "$WORK/layer-$arch.tar" >/dev/null
  umoci gc --layout "$layout"
  tar --owner=0 --group=0 --numeric-owner --sort=name -C "$layout" -cf "$DIST/$name.oci.tar" .
}

if [ "${1:-}" = --app ]; then
  publish_app "$3"
  rm -rf "$2"; mkdir -p "$(dirname "$2")"; cp -a "$WORK/app-$3" "$2"
  exit 0
fi

for arch in $ARCHES; do
  publish_app "$arch"
  split_genai "$arch"
  for kind in $KINDS; do "make_$kind" "$arch"; done
done
log "artifacts in $DIST:"
(cd "$DIST" && ls -l --block-size=K -- *"$VERSION"* 2>/dev/null)
