#!/usr/bin/env bash
# The .deb on a clean Debian 12 that has never seen .NET: a minimal root file system (mmdebstrap minbase), the package
# installed with apt (only Debian's dependencies), the service started as a device without systemd as PID 1 would
# (`edgellm serve --config /etc/edgellm/edgellm.json`), the README's REST and MQTT examples, an OTA update, an upgrade
# to a newer build that keeps the edited configuration and the OTA-installed model active, and a purge that leaves
# nothing behind. On the way, the GenAI add-on: installed on top, EDGELLM__ENGINE__EXECUTOR=genai serves on GenAI's
# executor; removed, the same setting serves on EdgeLLM's executor with one log line naming the add-on.
# Needs root (chroot) and Debian's mirror.
# Usage: verify-deb.sh PACKAGE.deb [ADD-ON.deb]   (the add-on defaults to edgellm-genai_<version>_<arch>.deb beside it)
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$HERE/lib.sh"
DEB="$(readlink -f "$1")"
GENAI_DEB="$(readlink -f "${2:-$(dirname "$DEB")/$(basename "$DEB" | sed 's/^edgellm_/edgellm-genai_/')}")"
[ -f "$GENAI_DEB" ] || fail "no GenAI add-on package $GENAI_DEB"
T="$(mktemp -d)"
ROOT="$T/rootfs"
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$T"; }
trap cleanup EXIT
MIRROR="${EDGELLM_DEB_MIRROR:-$(sed -n 's/^URIs: *//p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -n 1)}"

# in_root CMD...: CMD inside the root file system, with /proc, /dev and /sys, in a private mount namespace.
# (An array, not only a function, so that a background service is this command's own process: `$!` is then the
# service itself once the shell has exec'd, and SIGTERM reaches it.)
IN_ROOT=(unshare --mount --propagation private sh -c 'r="$1"; shift; mount -t proc proc "$r/proc" && mount --rbind /dev "$r/dev" \
  && mount --rbind /sys "$r/sys" && exec chroot "$r" "$@"' sh "$ROOT")
in_root() { "${IN_ROOT[@]}" "$@"; }
# Paths in the root file system (dpkg's and apt's own bookkeeping aside).
snapshot() {
  (cd "$ROOT" && find . -xdev \( -path ./proc -o -path ./sys -o -path ./dev -o -path ./tmp -o -path ./var/log -o -path ./var/cache \
    -o -path ./var/lib/dpkg -o -path ./var/lib/apt -o -path ./run -o -path ./root \) -prune -o -print | sort)
}

note "Debian 12 minbase root file system"
mmdebstrap --quiet --variant=minbase --skip=cleanup/apt/lists bookworm "$ROOT" "${MIRROR:-http://deb.debian.org/debian}"
cp /etc/resolv.conf "$ROOT/etc/resolv.conf"
[ ! -e "$ROOT/usr/bin/dotnet" ] && ! ls "$ROOT"/usr/share/dotnet >/dev/null 2>&1 || fail "the root file system has .NET"
snapshot > "$T/before"

note "apt-get install $(basename "$DEB")"
cp "$DEB" "$ROOT/tmp/edgellm.deb"
in_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends /tmp/edgellm.deb >"$T/apt.log" 2>&1 \
  || { cat "$T/apt.log"; fail "apt-get install"; }
grep -E '^(Setting up|Unpacking) ' "$T/apt.log" | sed 's/^/    /' | head -n 20
in_root dpkg -s edgellm | grep -q '^Status: install ok installed' || fail "dpkg -s edgellm"
[ -L "$ROOT/usr/bin/edgellm" ] && [ -f "$ROOT/lib/systemd/system/edgellm.service" ] && [ -f "$ROOT/etc/edgellm/edgellm.json" ] \
  || fail "the package's files are not where they belong"
grep -q '^MemoryMax=' "$ROOT/etc/systemd/system/edgellm.service.d/memory-max.conf" || fail "no MemoryMax drop-in"

MQTT_PORT="$(free_port)"; REST_PORT="$(free_port)"; HTTP_PORT="$(free_port)"
mosquitto -p "$MQTT_PORT" >"$T/mosquitto.log" 2>&1 & PIDS+=($!)
ARGS=(--EdgeLLM:DeviceId=debtest --EdgeLLM:Mqtt:Host=127.0.0.1 --EdgeLLM:Mqtt:Port="$MQTT_PORT"
      --EdgeLLM:Http:Urls="http://127.0.0.1:$REST_PORT" --EdgeLLM:Http:ApiKeys:0=deb-test-key-0123456789 --EdgeLLM:Ota:ConfirmSeconds=2)
start_service() {
  "${IN_ROOT[@]}" edgellm serve --config /etc/edgellm/edgellm.json "${ARGS[@]}" >>"$T/serve.log" 2>&1 &
  SERVE=$!; PIDS+=($SERVE)
  wait_ready "$REST_PORT" 90 "$SERVE" || { cat "$T/serve.log"; fail "serve did not become ready"; }
}
stop_service() { kill -TERM "$SERVE"; wait "$SERVE" || fail "serve exited $? on SIGTERM"; }

start_service
body="$(rest_chat "$REST_PORT")"; is_kitchen_answer "$body" || fail "REST answered: $body"
note "REST: ok"
final="$(mqtt_chat "$MQTT_PORT" debtest demo-1)"; is_kitchen_answer "$final" || fail "MQTT answered: '$final'"
note "MQTT: $final"

note "OTA update over REST"
MODEL_DIR=/usr/lib/edgellm/models/iot-assist VERSION="2026.12.7-deb"
# The operator tools run inside the root file system too; the bundle is served from there.
mkdir -p "$ROOT/tmp/ota"
in_root edgellm ota keygen --out /tmp/ota/keys/fleet >/dev/null || fail "ota keygen"
in_root edgellm ota pack "$MODEL_DIR" --out /tmp/ota/bundles --version "$VERSION" --url "http://127.0.0.1:$HTTP_PORT/" >/dev/null || fail "ota pack"
in_root edgellm ota sign "/tmp/ota/bundles/iot-assist-$VERSION.json" --key /tmp/ota/keys/fleet.pem >/dev/null || fail "ota sign"
cp "$ROOT/tmp/ota/keys/fleet.pub.pem" "$ROOT/etc/edgellm/trusted-keys/"
python3 -m http.server "$HTTP_PORT" --bind 127.0.0.1 --directory "$ROOT/tmp/ota/bundles" >/dev/null 2>&1 & PIDS+=($!)
status="$(ota_submit "$REST_PORT" deb-test-key-0123456789 "$ROOT/tmp/ota/bundles/iot-assist-$VERSION.json")"
grep -q '"active"' <<<"$status" || { tail -n 30 "$T/serve.log"; fail "OTA update: $status"; }
[ "$(models_version "$REST_PORT")" = "$VERSION" ] || fail "after OTA /v1/models says $(models_version "$REST_PORT")"
# A switch counts once confirmed healthy (Ota:ConfirmSeconds); a restart before that rolls it back by design.
for _ in $(seq 1 60); do grep -q '"active_confirmed": true' "$ROOT/var/lib/edgellm/ota/ota-state.json" && break; sleep 0.5; done
grep -q '"active_confirmed": true' "$ROOT/var/lib/edgellm/ota/ota-state.json" || fail "the OTA switch was never confirmed"
note "OTA: $VERSION active and confirmed"
stop_service

# executor_served PORT: the executor /metrics says serves the model.
executor_served() { curl -sS "http://127.0.0.1:$1/metrics" | sed -n 's/^edgellm_executor_info{executor="\([a-z]*\)".*/\1/p'; }
# genai_installed: what `edgellm doctor` says of the add-on (true or false).
genai_installed() { in_root edgellm doctor --json --no-load | sed -n 's/^ *"installed": *\(true\|false\).*/\1/p' | head -n 1; }

note "GenAI add-on: $(basename "$GENAI_DEB") on top, EDGELLM__ENGINE__EXECUTOR=genai"
[ ! -e "$ROOT/usr/lib/edgellm/libonnxruntime-genai.so" ] || fail "the base package installed GenAI's library"
[ "$(genai_installed)" = false ] || fail "doctor says GenAI is installed without the add-on"
cp "$GENAI_DEB" "$ROOT/tmp/edgellm-genai.deb"
in_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends /tmp/edgellm-genai.deb >"$T/apt-genai.log" 2>&1 \
  || { cat "$T/apt-genai.log"; fail "apt-get install the add-on"; }
[ -f "$ROOT/usr/lib/edgellm/libonnxruntime-genai.so" ] || fail "the add-on did not install libonnxruntime-genai.so beside the app"
[ "$(genai_installed)" = true ] || fail "doctor says GenAI is not installed after the add-on"
export EDGELLM__ENGINE__EXECUTOR=genai
start_service
[ "$(executor_served "$REST_PORT")" = genai ] || { tail -n 30 "$T/serve.log"; fail "with the add-on /metrics says executor '$(executor_served "$REST_PORT")', not genai"; }
body="$(rest_chat "$REST_PORT")"; is_kitchen_answer "$body" || fail "REST on the genai executor answered: $body"
note "add-on: executor genai serves, REST: ok"
stop_service
: >"$T/serve.log"
in_root env DEBIAN_FRONTEND=noninteractive apt-get remove -y -q edgellm-genai >"$T/apt-genai.log" 2>&1 || { cat "$T/apt-genai.log"; fail "remove the add-on"; }
[ ! -e "$ROOT/usr/lib/edgellm/libonnxruntime-genai.so" ] || fail "removing the add-on left its library"
start_service
[ "$(executor_served "$REST_PORT")" = edgellm ] || fail "without the add-on /metrics says executor '$(executor_served "$REST_PORT")', not edgellm"
line="$(grep -F 'install the edgellm-genai add-on' "$T/serve.log" | head -n 1)"
[ -n "$line" ] || { cat "$T/serve.log"; fail "no log line naming the add-on when genai is configured without it"; }
body="$(rest_chat "$REST_PORT")"; is_kitchen_answer "$body" || fail "REST after removing the add-on answered: $body"
note "add-on removed: executor edgellm serves, REST: ok; log: ${line:0:160}"
stop_service
unset EDGELLM__ENGINE__EXECUTOR

note "upgrade to a newer build, configuration edited"
sed -i 's/"IntervalSeconds": 30/"IntervalSeconds": 31/' "$ROOT/etc/edgellm/edgellm.json"
dpkg-deb -R "$DEB" "$T/next"
old="$(sed -n 's/^Version: //p' "$T/next/DEBIAN/control")"
sed -i "s/^Version: .*/Version: $old+next1/" "$T/next/DEBIAN/control"
dpkg-deb --root-owner-group -Zgzip -z1 -b "$T/next" "$ROOT/tmp/edgellm-next.deb" >/dev/null
in_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q -o Dpkg::Options::=--force-confold /tmp/edgellm-next.deb >"$T/apt2.log" 2>&1 \
  || { cat "$T/apt2.log"; fail "upgrade"; }
[ "$(in_root dpkg-query -W -f='${Version}' edgellm)" = "$old+next1" ] || fail "the upgrade did not take"
grep -q '"IntervalSeconds": 31' "$ROOT/etc/edgellm/edgellm.json" || fail "the upgrade replaced the edited configuration"
start_service
[ "$(models_version "$REST_PORT")" = "$VERSION" ] \
  || { tail -n 40 "$T/serve.log"; cat "$ROOT/var/lib/edgellm/ota/ota-state.json"; fail "after the upgrade /v1/models says $(models_version "$REST_PORT"), not the OTA version $VERSION"; }
body="$(rest_chat "$REST_PORT")"; is_kitchen_answer "$body" || fail "REST after upgrade answered: $body"
note "upgrade: $old -> $old+next1, configuration kept, OTA model $VERSION still active"
stop_service

note "purge"
in_root env DEBIAN_FRONTEND=noninteractive apt-get purge -y -q edgellm >"$T/apt3.log" 2>&1 || { cat "$T/apt3.log"; fail "purge"; }
rm -rf "$ROOT/tmp/ota" "$ROOT"/tmp/*.deb
snapshot > "$T/after"
# What apt pulled in as dependencies may stay (autoremove is the administrator's call); nothing of EdgeLLM may.
left="$(comm -13 "$T/before" "$T/after" | grep -i edgellm || true)"
[ -z "$left" ] || fail "purge left: $left"
in_root dpkg -s edgellm >/dev/null 2>&1 && fail "still installed after purge"
echo "verify-deb: ok ($(basename "$DEB"))"
