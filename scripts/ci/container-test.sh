#!/usr/bin/env bash
# Builds the real Dockerfile and runs the server inside the image, without a Docker engine or registry access:
#  1. local Debian bookworm base images, made once (mmdebstrap from Debian's package mirror, then apt) and kept in
#     Podman's store, holding what the Dockerfile's stages would install (JDK 17 + Maven; headless JRE 17);
#  2. `podman build --isolation=chroot` of the Dockerfile with those images as BUILD_IMAGE / RUNTIME_IMAGE
#     (the local Maven repository, when there is one, is mounted for the build's dependency step);
#  3. `buildah run --isolation=chroot` of `serve` inside the image, then GET /health, POST /predict with a
#     Caltech-101 airplane (→ airplanes), the server's user (uid 10001, not root), and SIGTERM → exit 0.
# Usage: scripts/ci/container-test.sh      Needs: apt-get install podman buildah mmdebstrap curl
# Environment: DEBIAN_MIRROR (http://deb.debian.org/debian), PORT (18321), KEEP_IMAGE=1 keeps the built image.
set -euo pipefail
shopt -s inherit_errexit
cd "$(dirname "$0")/../.."
started=$(date +%s)
for tool in podman buildah mmdebstrap curl ss; do
  command -v "$tool" > /dev/null || { echo "container-test: $tool is missing (apt-get install podman buildah mmdebstrap curl iproute2)" >&2; exit 2; }
done
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
PORT=${PORT:-18321}
IMAGE=localhost/image-classifier:container-test
PHOTO=../shared/datasets/caltech101/101_ObjectCategories/airplanes/image_0001.jpg
say() { echo "container-test [$(($(date +%s) - started)) s]: $*"; }

# The runtime base: a bookworm root file system with the headless JRE, made by mmdebstrap from Debian's packages and
# imported as localhost/image-classifier-runtime-base:bookworm-<hash of the package list> (kept; reused next time).
RUNTIME_PACKAGES="ca-certificates,openjdk-17-jre-headless,libturbojpeg0"
RUNTIME_BASE=localhost/image-classifier-runtime-base:bookworm-$(printf '%s' "$RUNTIME_PACKAGES" | sha256sum | cut -c1-12)
if ! podman image exists "$RUNTIME_BASE"; then
  say "making $RUNTIME_BASE ($RUNTIME_PACKAGES) with mmdebstrap"
  tarball=$(mktemp --suffix=.tar)
  # No documentation or translations; manual pages stay (update-alternatives links them while installing).
  mmdebstrap --quiet --variant=apt --include="$RUNTIME_PACKAGES" \
      --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-include=/usr/share/doc/*/copyright' \
      --dpkgopt='path-exclude=/usr/share/locale/*' bookworm "$tarball" "$MIRROR"
  podman import --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
      --change 'CMD ["/bin/bash"]' "$tarball" "$RUNTIME_BASE" > /dev/null
  rm -f "$tarball"
fi
# The build base: the runtime base plus Debian's JDK 17 and Maven (the packages the Dockerfile's build stage installs).
BUILD_BASE=localhost/image-classifier-build-base:bookworm-$(printf '%s' "$RUNTIME_BASE" | sha256sum | cut -c1-12)
if ! podman image exists "$BUILD_BASE"; then
  say "making $BUILD_BASE (+ openjdk-17-jdk-headless, maven)"
  printf 'FROM %s\nRUN apt-get update && apt-get install -y --no-install-recommends openjdk-17-jdk-headless maven && rm -rf /var/lib/apt/lists/*\n' \
      "$RUNTIME_BASE" | podman build --isolation=chroot --quiet --tag "$BUILD_BASE" --file - . > /dev/null
fi

say "building the Dockerfile from $BUILD_BASE and $RUNTIME_BASE"
volumes=()
[ -d "$HOME/.m2/repository" ] && volumes+=(--volume "$HOME/.m2:/root/.m2")
# The host's certificate authorities for the build's downloads (Maven Central): where the host reaches the
# internet through a TLS-inspecting proxy it trusts, the image's stock CA list does not know that proxy.
for trust in /etc/ssl/certs/java/cacerts /etc/ssl/certs/ca-certificates.crt; do
  [ -f "$trust" ] && volumes+=(--volume "$trust:$trust:ro")
done
podman build --isolation=chroot --format docker --layers "${volumes[@]}" \
    --build-arg BUILD_IMAGE="$BUILD_BASE" --build-arg RUNTIME_IMAGE="$RUNTIME_BASE" \
    --tag "$IMAGE" --file Dockerfile . > "${TMPDIR:-/tmp}/container-test-build.log" 2>&1 \
  || { tail -40 "${TMPDIR:-/tmp}/container-test-build.log" >&2; say "FAILED: podman build (log: ${TMPDIR:-/tmp}/container-test-build.log)"; exit 1; }

container=$(buildah from --pull=never "$IMAGE")
log=$(mktemp)
server=
cleanup() {
  [ -n "$server" ] && kill -KILL "$server" 2> /dev/null || true
  buildah rm "$container" > /dev/null 2>&1 || true
  if [ -z "${KEEP_IMAGE:-}" ]; then
    podman rmi "$IMAGE" > /dev/null 2>&1 || true
    podman image prune --force > /dev/null 2>&1 || true # the stages' layers of earlier builds
  fi
}
trap cleanup EXIT
fail() { echo "--- server log:" >&2; cat "$log" >&2; say "FAILED: $*"; exit 1; }

say "starting the server in the image"
buildah run --isolation=chroot "$container" -- java -jar /app/image-classifier.jar serve --host 127.0.0.1 --port "$PORT" > "$log" 2>&1 &
runner=$!
for _ in $(seq 1 240); do
  curl -fs "http://127.0.0.1:$PORT/health" > /dev/null 2>&1 && break
  kill -0 "$runner" 2> /dev/null || fail "the server stopped before it was healthy"
  sleep 0.5
done
server=$(ss -ltnpH "sport = :$PORT" | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2)
[ -n "$server" ] || fail "nothing listens on port $PORT"

health=$(curl -fsS "http://127.0.0.1:$PORT/health") || fail "GET /health"
[ "$health" = '{"status":"ok"}' ] || fail "GET /health answered $health"
say "GET /health: $health"
prediction=$(curl -fsS -F "file=@$PHOTO" "http://127.0.0.1:$PORT/predict") || fail "POST /predict"
case "$prediction" in
  *'"predicted_class":"airplanes"'*) say "POST /predict airplanes/image_0001.jpg: $prediction" ;;
  *) fail "POST /predict answered $prediction" ;;
esac
uid=$(ps -o uid= -p "$server" | tr -d ' ')
user=$(ps -o user= -p "$server" | tr -d ' ')
[ "$uid" = 10001 ] || fail "the server runs as uid $uid, not the image's user 10001"
say "the server (pid $server) runs as uid $uid ($user), not root"

kill -TERM "$server"
status=0
wait "$runner" || status=$?
server=
[ "$status" = 0 ] || fail "after SIGTERM the server exited $status, not 0"
grep -q "Stopped" "$log" || fail "the server did not say it stopped"
say "SIGTERM: drained and exited 0"
say "passed in $(($(date +%s) - started)) s"
