#!/bin/sh
# Installs EdgeLLM from this unpacked tarball on a Linux device (Raspberry Pi OS, Debian, Ubuntu/JetPack, ...):
#
#   sudo ./install-device.sh            install to /opt/edgellm, write /etc/edgellm/edgellm.json when absent,
#                                       install and start the hardened edgellm.service (or say how to start it)
#   sudo ./install-device.sh --uninstall   stop and remove the app and the unit (configuration and state stay)
#
# The optional GenAI add-on (edgellm-genai-<version>-linux-<arch>.tar.xz, the library the `genai` executor loads) is
# installed with the app when it lies beside this folder or beside this script, or was unpacked over this folder.
#
# Nothing is built and no .NET runtime is needed: app/ is a Native AOT binary with its native libraries. The device
# needs glibc 2.34+, libstdc++ and OpenSSL 3, which every supported OS has.
# Environment: PREFIX (/opt/edgellm).
set -eu
HERE="$(cd "$(dirname "$0")" && pwd)"
PREFIX="${PREFIX:-/opt/edgellm}"
UNIT=/etc/systemd/system/edgellm.service
say() { printf '==> %s\n' "$*"; }
die() { printf 'install-device.sh: %s\n' "$*" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || die "run as root (sudo $0)"
systemd_running() { [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; }

if [ "${1:-}" = --uninstall ]; then
  if systemd_running; then systemctl disable --now edgellm.service >/dev/null 2>&1 || true; fi
  rm -f "$UNIT" /usr/local/bin/edgellm
  rm -rf "$PREFIX"
  if systemd_running; then systemctl daemon-reload; fi
  say "removed $PREFIX and the unit; /etc/edgellm and /var/lib/edgellm are kept"
  exit 0
fi

arch="$(uname -m)"
case "$(file -b "$HERE/app/edgellm" 2>/dev/null || true)" in
  *aarch64*) want=aarch64 ;; *x86-64*) want=x86_64 ;; *) want="$arch" ;;
esac
[ "$arch" = "$want" ] || die "this tarball is for $want, the device is $arch"
"$HERE/app/edgellm" --version >/dev/null 2>&1 \
  || die "the app does not start here (missing libstdc++ or libssl3?): $("$HERE/app/edgellm" --version 2>&1 | tail -n 1)"

say "installing to $PREFIX"
rm -rf "$PREFIX.new"
cp -a "$HERE/app" "$PREFIX.new"
GENAI=libonnxruntime-genai.so
addon="$(basename "$HERE" | sed 's/^edgellm-/edgellm-genai-/').tar.xz"
if [ ! -f "$PREFIX.new/$GENAI" ]; then
  for t in "$HERE/$addon" "$HERE/../$addon"; do
    [ -f "$t" ] || continue
    tar -xJf "$t" -C "$PREFIX.new" --strip-components=2 --wildcards "*/app/$GENAI" || die "cannot unpack $t"
    break
  done
fi
if [ -f "$PREFIX.new/$GENAI" ]; then
  say "with the GenAI add-on ($GENAI: the genai executor)"
elif [ -f "$PREFIX/$GENAI" ]; then
  say "the previous install had the GenAI add-on; put $addon beside this folder and re-run to keep it"
fi
[ -d "$PREFIX" ] && mv "$PREFIX" "$PREFIX.old"
mv "$PREFIX.new" "$PREFIX"
rm -rf "$PREFIX.old"
ln -sf "$PREFIX/edgellm" /usr/local/bin/edgellm

mkdir -p /etc/edgellm/trusted-keys
if [ -f /etc/edgellm/edgellm.json ]; then
  say "keeping the existing /etc/edgellm/edgellm.json"
else
  install -m 0644 "$PREFIX/edgellm.json.default" /etc/edgellm/edgellm.json
  say "wrote /etc/edgellm/edgellm.json"
fi

if systemd_running; then
  memory_max="$("$PREFIX/edgellm" doctor --json 2>/dev/null | sed -n 's/.*"systemd_memory_max": *"\([^"]*\)".*/\1/p' | head -n 1)" || true
  sed -e "s|@PREFIX@|$PREFIX|g; s|@MEMORY_MAX@|${memory_max:-infinity}|g" "$HERE/edgellm.service.in" > "$UNIT"
  systemctl daemon-reload
  systemctl enable edgellm.service >/dev/null
  systemctl restart edgellm.service
  say "edgellm.service is running (MemoryMax=${memory_max:-infinity}); logs: journalctl -u edgellm -f"
else
  say "systemd is not running here; start the service with: $PREFIX/edgellm serve --config /etc/edgellm/edgellm.json"
fi
