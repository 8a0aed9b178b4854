#!/usr/bin/env bash
# The OCI image archive: skopeo reads it (architecture, non-root user, state volume, entrypoint), umoci unpacks it,
# and the unpacked root file system runs as the image says — the image's user, its environment, its entrypoint —
# for `run --chat`, `doctor` on the genai executor (the image keeps GenAI) and `serve` + the README's REST example. (No container engine runs here; an engine would do the
# same with namespaces.) For an arm64 image only the metadata and the binaries' architecture are checked: the arm64
# binary itself is run by verify-arm64.sh.
# Usage: verify-oci.sh IMAGE.oci.tar
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$HERE/lib.sh"
IMAGE="$(readlink -f "$1")"
T="$(mktemp -d)"
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$T"; }
trap cleanup EXIT

inspect="$(skopeo inspect "oci-archive:$IMAGE")" || fail "skopeo cannot read $IMAGE"
config="$(skopeo inspect --config "oci-archive:$IMAGE")"
arch="$(python3 -c 'import json,sys; print(json.load(sys.stdin)["Architecture"])' <<<"$inspect")"
python3 - "$config" <<'PY' || fail "image configuration"
import json, sys
c = json.loads(sys.argv[1])["config"]
assert c["User"] == "10001:10001", c["User"]
assert c["Entrypoint"] == ["/usr/lib/edgellm/edgellm"], c["Entrypoint"]
assert c["Cmd"][0] == "serve", c["Cmd"]
assert "/var/lib/edgellm" in c["Volumes"], c.get("Volumes")
PY
note "skopeo: $arch, user 10001, volume /var/lib/edgellm, $(python3 -c 'import json,sys; print(len(json.load(sys.stdin)["Layers"]))' <<<"$inspect") layer(s)"

mkdir -p "$T/layout"
tar -xf "$IMAGE" -C "$T/layout"
tag="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["manifests"][0]["annotations"]["org.opencontainers.image.ref.name"])' "$T/layout/index.json")"
umoci unpack --image "$T/layout:$tag" "$T/bundle" >/dev/null
ROOT="$T/bundle/rootfs"
[ ! -e "$ROOT/bin/sh" ] && [ ! -e "$ROOT/usr/bin/apt" ] || fail "the image has a shell or a package manager"
[ "$(stat -c %u "$ROOT/var/lib/edgellm")" = 10001 ] || fail "the state directory does not belong to the image's user"
want="$([ "$arch" = arm64 ] && echo 'ARM aarch64' || echo 'x86-64')"
file -b "$ROOT/usr/lib/edgellm/edgellm" | grep -q "$want" || fail "binary is not $want"
if [ "$arch" != amd64 ] || [ "$(uname -m)" != x86_64 ]; then
  echo "verify-oci: ok ($(basename "$IMAGE"), metadata only)"
  exit 0
fi

# As the image's user, with the image's environment and entrypoint, in the unpacked root file system.
env_args=($(python3 -c 'import json,sys; print(" ".join(json.load(open(sys.argv[1]))["process"]["env"]))' "$T/bundle/config.json"))
# (The image has no env or shell of its own: the host's tools set up the namespace and hand over the environment.)
# (An array, so that `IN_IMAGE... &` leaves `$!` the service itself: SIGTERM then reaches it.)
IN_IMAGE=(env -i PATH="$PATH" "${env_args[@]}" unshare --mount --propagation private sh -c 'r="$1"; shift; mount -t proc proc "$r/proc" \
  && mount --rbind /dev "$r/dev" && exec chroot --userspec=10001:10001 "$r" "$@"' sh "$ROOT" /usr/lib/edgellm/edgellm)
in_image() { "${IN_IMAGE[@]}" "$@"; }
mkdir -p "$ROOT/proc" "$ROOT/dev"
answer="$(in_image run --chat "$PROMPT")"
is_kitchen_answer "$answer" || fail "image run --chat answered: $answer"
note "image run --chat: $answer"
# The image keeps GenAI (docs/DEPLOY.md): asked for the genai executor, doctor loads the model on it.
IN_IMAGE_GENAI=("${IN_IMAGE[@]:0:2}" EDGELLM__ENGINE__EXECUTOR=genai "${IN_IMAGE[@]:2}")
doctor="$("${IN_IMAGE_GENAI[@]}" doctor --json)" || fail "image doctor: $doctor"
grep -q '"installed": true' <<<"$doctor" && grep -q '"executor": "genai"' <<<"$doctor" \
  || fail "image doctor with EDGELLM__ENGINE__EXECUTOR=genai: $(grep -A4 '"onnxruntime_genai"\|"serving"' <<<"$doctor")"
note "image doctor: GenAI installed, executor genai serves"
REST_PORT="$(free_port)"
"${IN_IMAGE[@]}" serve --config /etc/edgellm/edgellm.json --EdgeLLM:Mqtt:Enabled=false \
  --EdgeLLM:Http:Urls="http://127.0.0.1:$REST_PORT" >"$T/serve.log" 2>&1 &
SERVE=$!; PIDS+=($SERVE)
wait_ready "$REST_PORT" 60 "$SERVE" || { cat "$T/serve.log"; fail "image serve did not become ready"; }
body="$(rest_chat "$REST_PORT")"
is_kitchen_answer "$body" || fail "image REST answered: $body"
note "image REST: ok"
kill -TERM "$SERVE"; wait "$SERVE" || fail "image serve exited $? on SIGTERM"
echo "verify-oci: ok ($(basename "$IMAGE"))"
