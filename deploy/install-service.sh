#!/usr/bin/env bash
# Installs and starts the EdgeLLM service from a built checkout (called by ../install.sh; safe to re-run).
#
# As root (or with sudo): installs this machine's Native AOT build (deploy/package/build.sh --app) to /opt/edgellm, writes /etc/edgellm/edgellm.json when absent (an edited one is
# never overwritten), installs the hardened systemd unit and starts it; where systemd is not running, starts
# `edgellm serve` in the background with its log in the state directory. As a user without sudo: the same under
# ~/.local, always in the background. Then it waits until the service answers and prints working examples.
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
log() { printf '\033[1;34m==>\033[0m %s\n' "$*"; }
die() { printf 'install-service.sh: %s\n' "$*" >&2; exit 1; }

if [ "$(id -u)" -eq 0 ]; then ROOT=""; elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then ROOT="sudo"; else ROOT="none"; fi
if [ "$ROOT" = none ]; then
  PREFIX="$HOME/.local/lib/edgellm"; CONF_DIR="$HOME/.config/edgellm"; STATE="${XDG_DATA_HOME:-$HOME/.local/share}/edgellm"
  as_root() { "$@"; }
else
  PREFIX="/opt/edgellm"; CONF_DIR="/etc/edgellm"; STATE="/var/lib/edgellm"
  as_root() { if [ -z "$ROOT" ]; then "$@"; else sudo "$@"; fi; }
fi
CONF="$CONF_DIR/edgellm.json"
case "$(uname -m)" in x86_64|amd64) ARCH=x64 ;; aarch64|arm64) ARCH=arm64 ;; *) die "unsupported CPU $(uname -m)" ;; esac
SYSTEMD=0
if [ "$ROOT" != none ] && [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; then SYSTEMD=1; fi

log "building the Native AOT app for linux-$ARCH and installing it to $PREFIX"
STAGE="$(mktemp -d)"
trap 'rm -rf "$STAGE"' EXIT
"$REPO/deploy/package/build.sh" --app "$STAGE/app" "$ARCH"
as_root mkdir -p "$PREFIX"
as_root rm -rf "$PREFIX.new"
as_root cp -a "$STAGE/app" "$PREFIX.new"
as_root rm -rf "$PREFIX.old"
[ -d "$PREFIX" ] && as_root mv "$PREFIX" "$PREFIX.old"
as_root mv "$PREFIX.new" "$PREFIX"
as_root rm -rf "$PREFIX.old"
as_root chmod -R a+rX "$PREFIX"

EDGELLM=("$PREFIX/edgellm")
PROFILE="$("${EDGELLM[@]}" doctor --json 2>/dev/null | sed -n 's/^ *"id": "\([A-Za-z0-9_-]*\)",*$/\1/p' | head -1)"
[ -n "$PROFILE" ] || PROFILE=generic-cpu
MEMORY_MAX="$(sed -n 's/.*"systemd_memory_max": *"\([^"]*\)".*/\1/p' "$PREFIX/device-configs/$PROFILE.json" | head -1)"
DEVICE_ID="$(hostname | sed 's/[^A-Za-z0-9_-]/-/g; s/^-*//; s/-*$//' | cut -c1-64)"
[ -n "$DEVICE_ID" ] || DEVICE_ID="edgellm-device"

as_root mkdir -p "$CONF_DIR/trusted-keys"
if as_root test -f "$CONF"; then
  log "keeping the existing $CONF"
  DEVICE_ID="$(as_root sed -n 's/.*"DeviceId": *"\([^"]*\)".*/\1/p' "$CONF" | head -1)"
  [ -n "$DEVICE_ID" ] || DEVICE_ID="$(hostname | sed 's/[^A-Za-z0-9_-]/-/g; s/^-*//; s/-*$//' | cut -c1-64)"
else
  log "writing $CONF (device $DEVICE_ID, profile $PROFILE)"
  STATE_LINE=""
  [ "$SYSTEMD" = 1 ] || STATE_LINE="\"StateDir\": \"$STATE\","
  TMP_CONF="$(mktemp)"
  cat > "$TMP_CONF" <<JSON
{
  "EdgeLLM": {
    "DeviceId": "$DEVICE_ID",
    "Device": "$PROFILE",
    $STATE_LINE
    "Mqtt": { "Host": "localhost", "Port": 1883, "TopicRoot": "edgellm" },
    "Http": { "Urls": "http://127.0.0.1:8080", "ApiKeys": [] },
    "Ota": { "TrustedKeysDir": "$CONF_DIR/trusted-keys" },
    "Telemetry": { "IntervalSeconds": 30 }
  }
}
JSON
  as_root install -m 0644 "$TMP_CONF" "$CONF"
  rm -f "$TMP_CONF"
fi

if [ "$SYSTEMD" = 1 ]; then
  log "installing edgellm.service (Type=notify, MemoryMax=${MEMORY_MAX:-infinity})"
  sed -e "s|@PREFIX@|$PREFIX|g; s|@MEMORY_MAX@|${MEMORY_MAX:-infinity}|g" "$REPO/deploy/edgellm.service.in" > "$STAGE/edgellm.service"
  as_root install -m 0644 "$STAGE/edgellm.service" /etc/systemd/system/edgellm.service
  as_root systemctl daemon-reload
  as_root systemctl enable --now mosquitto >/dev/null 2>&1 || log "mosquitto.service could not be started; set EdgeLLM:Mqtt:Host to your broker"
  as_root systemctl enable edgellm >/dev/null
  as_root systemctl restart edgellm
  LOGS="journalctl -u edgellm -f"
else
  as_root mkdir -p "$STATE"
  if ! (exec 3<>/dev/tcp/127.0.0.1/1883) 2>/dev/null; then
    log "starting the mosquitto broker in the background"
    mosquitto -d -p 1883 2>/dev/null || as_root mosquitto -d 2>/dev/null || log "no broker on localhost:1883: MQTT will retry until one runs"
  fi
  PIDFILE="$STATE/edgellm.pid"
  if as_root test -f "$PIDFILE" && as_root kill -0 "$(as_root cat "$PIDFILE")" 2>/dev/null; then
    log "stopping the running edgellm (pid $(as_root cat "$PIDFILE"))"
    as_root kill -TERM "$(as_root cat "$PIDFILE")" || true
    for _ in $(seq 1 60); do as_root kill -0 "$(as_root cat "$PIDFILE")" 2>/dev/null || break; sleep 0.5; done
  fi
  log "systemd is not running here: starting edgellm serve in the background (log: $STATE/edgellm.log)"
  as_root sh -c "cd '$PREFIX' && nohup '$PREFIX/edgellm' serve --config '$CONF' >> '$STATE/edgellm.log' 2>&1 & echo \$! > '$PIDFILE'"
  LOGS="tail -f $STATE/edgellm.log"
fi

log "waiting for the service to load its model"
for _ in $(seq 1 240); do
  if curl -fsS http://127.0.0.1:8080/readyz >/dev/null 2>&1; then READY=1; break; fi
  sleep 0.5
done
[ "${READY:-0}" = 1 ] || die "the service did not become ready; see: $LOGS"

cat <<TXT

EdgeLLM is serving the default model (device id: $DEVICE_ID, profile: $PROFILE). Logs: $LOGS

Ask over MQTT (the reply arrives on the sub's topic):
  mosquitto_sub -h localhost -t 'edgellm/$DEVICE_ID/response/demo-1' -C 1 -W 60 & sleep 1; mosquitto_pub -h localhost -q 1 -t 'edgellm/$DEVICE_ID/request' -m '{"id":"demo-1","messages":[{"role":"user","content":"turn on the kitchen lights at 7pm"}]}'; wait

Ask over the local REST API:
  curl -s http://127.0.0.1:8080/v1/chat/completions -H 'Content-Type: application/json' -d '{"model":"iot-assist","messages":[{"role":"user","content":"turn on the kitchen lights at 7pm"}]}'

TXT
