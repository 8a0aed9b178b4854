# Shared by the artifact checks in tests/deploy (sourced). Each check runs the shipped binary the way a device would
# (directly, in a Debian 12 root file system, or under qemu) through the command prefix in the array EDGE.
PROMPT="turn on the kitchen lights at 7pm"

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
fail() { printf 'FAIL: %s\n' "$*" >&2; exit 1; }
note() { printf '  %s\n' "$*"; }

# The default model's answer to PROMPT, as JSON inside a string or as is.
is_kitchen_answer() { grep -q 'light' <<<"$1" && grep -q 'kitchen' <<<"$1" && grep -q '19:00' <<<"$1"; }

# wait_ready PORT SECONDS PID: until /readyz answers 200 (the service is a process we started: stop waiting if it died).
wait_ready() {
  local port="$1" limit="$2" pid="$3" start=$SECONDS
  until curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1; do
    kill -0 "$pid" 2>/dev/null || return 1
    ((SECONDS - start < limit)) || return 1
    sleep 0.5
  done
}

# rest_chat PORT [KEY]: the README's REST example; prints the body.
rest_chat() {
  curl -sS --max-time 120 "http://127.0.0.1:$1/v1/chat/completions" -H 'Content-Type: application/json' \
    ${2:+-H "Authorization: Bearer $2"} \
    -d "{\"model\":\"iot-assist\",\"messages\":[{\"role\":\"user\",\"content\":\"$PROMPT\"}]}"
}

# mqtt_chat BROKER_PORT DEVICE ID: the README's MQTT example; prints the final.
mqtt_chat() {
  local port="$1" device="$2" id="$3" out
  out="$(mktemp)"
  mosquitto_sub -h 127.0.0.1 -p "$port" -t "edgellm/$device/response/$id" -C 1 -W 120 >"$out" &
  local sub=$!
  sleep 1
  mosquitto_pub -h 127.0.0.1 -p "$port" -q 1 -t "edgellm/$device/request" \
    -m "{\"id\":\"$id\",\"messages\":[{\"role\":\"user\",\"content\":\"$PROMPT\"}]}"
  wait "$sub" || true
  cat "$out"; rm -f "$out"
}

# make_ota_bundle EDGE_CMD... : keys, a bundle of the default model as VERSION, signed, served over HTTP on HTTP_PORT.
# Sets OTA_MANIFEST, OTA_PUB, OTA_HTTP_PID. Uses the caller's EDGE array and MODEL_DIR, OTA_DIR, VERSION, HTTP_PORT.
make_ota_bundle() {
  mkdir -p "$OTA_DIR/keys" "$OTA_DIR/bundles"
  "${EDGE[@]}" ota keygen --out "$OTA_DIR/keys/fleet" >/dev/null || fail "ota keygen"
  "${EDGE[@]}" ota pack "$MODEL_DIR" --out "$OTA_DIR/bundles" --version "$VERSION" \
    --url "http://127.0.0.1:$HTTP_PORT/" >/dev/null || fail "ota pack"
  OTA_MANIFEST="$OTA_DIR/bundles/iot-assist-$VERSION.json"
  "${EDGE[@]}" ota sign "$OTA_MANIFEST" --key "$OTA_DIR/keys/fleet.pem" >/dev/null || fail "ota sign"
  OTA_PUB="$OTA_DIR/keys/fleet.pub.pem"
  python3 -m http.server "$HTTP_PORT" --bind 127.0.0.1 --directory "$OTA_DIR/bundles" >/dev/null 2>&1 &
  OTA_HTTP_PID=$!
}

# ota_submit REST_PORT KEY MANIFEST: the REST admin path; prints the status body.
ota_submit() {
  curl -sS --max-time 300 -H "Authorization: Bearer $2" --data-binary "@$3" "http://127.0.0.1:$1/v1/admin/ota"
}

models_version() {
  curl -sS "http://127.0.0.1:$1/v1/models" ${2:+-H "Authorization: Bearer $2"} | sed -n 's/.*"version":"\([^"]*\)".*/\1/p'
}
