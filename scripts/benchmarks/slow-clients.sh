#!/usr/bin/env bash
# Slow-client load check, loopback only and bounded: starts the server (cli/target/image-classifier.jar, or $JAR)
# on 127.0.0.1, then for each case holds $CONNECTIONS connections (from $FROM, 127.0.0.2: one client address) that
# send POST /predict headers and then one body byte a second (slow-body) or nothing (silent-headers), or that never
# finish their headers, sending one more header byte a second (trickled-headers), while /health is probed every 50 ms
# (from 127.0.0.1) and a normal /predict is sent every second; prints their latencies, how the slow connections
# were closed and the server's memory. A control case without slow connections (none) is measured in the same run.
# Usage: scripts/benchmarks/slow-clients.sh [none] [slow-body] [silent-headers] [trickled-headers]   (default: all four)
# Environment: CONNECTIONS (1000), SECONDS_PER_CASE (20), PORT (18123), FROM (127.0.0.2), IMAGE (a Caltech-101
# airplane), JAR; SERVE_ARGS: more serve flags (e.g. --max-connections-per-address 0 to measure without that cap).
set -euo pipefail
cd "$(dirname "$0")/../.."
JAR=${JAR:-cli/target/image-classifier.jar}
CONNECTIONS=${CONNECTIONS:-1000}
SECONDS_PER_CASE=${SECONDS_PER_CASE:-20}
PORT=${PORT:-18123}
FROM=${FROM:-127.0.0.2}
IMAGE=${IMAGE:-../shared/datasets/caltech101/101_ObjectCategories/airplanes/image_0001.jpg}
CASES=("$@")
[ ${#CASES[@]} -gt 0 ] || CASES=(none slow-body silent-headers trickled-headers)
[ -f "$JAR" ] || { echo "error: $JAR not found; build it first: mvn -q -DskipTests package" >&2; exit 1; }

# The launcher's JVM flags (./image-classifier), so that memory is what users see.
MALLOC_ARENA_MAX=2 java -XX:+UseSerialGC -Xms64m -Xmx2g -XX:+ExitOnOutOfMemoryError -jar "$JAR" serve \
    --host 127.0.0.1 --port "$PORT" ${SERVE_ARGS:-} > "${TMPDIR:-/tmp}/slow-clients-server.log" 2>&1 &
SERVER=$!
trap 'kill "$SERVER" 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do
  curl -fs "http://127.0.0.1:$PORT/health" > /dev/null 2>&1 && break
  sleep 0.5
done
curl -fs "http://127.0.0.1:$PORT/health" > /dev/null || { echo "error: the server did not become healthy" >&2; cat "${TMPDIR:-/tmp}/slow-clients-server.log" >&2; exit 1; }

for mode in "${CASES[@]}"; do
  java -Xmx512m scripts/benchmarks/SlowClients.java "http://127.0.0.1:$PORT" --mode "$mode" --connections "$CONNECTIONS" \
      --seconds "$SECONDS_PER_CASE" --image "$IMAGE" --from "$FROM" --pid "$SERVER"
done
kill -TERM "$SERVER"
status=0
wait "$SERVER" || status=$?
echo "server: SIGTERM after the load → exit $status"
