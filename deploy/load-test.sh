#!/usr/bin/env bash
# Sustained load (on demand; not part of `mvn verify`): frames at a fixed rate for some minutes per step, the rate
# multiplied at each step, until a step is not sustained. Prints a Markdown table per step: identities/s, end-to-end
# latency p50/p99/max (frame sent -> identity record read back, read_committed; and -> the gallery's match, before
# its transaction commits), consumer lag of the embedder and gallery groups (max and at the step's end), each
# process's RSS and heap in use, and the highest sustained rate.
#
# Usage: deploy/load-test.sh [--rate 10] [--factor 2] [--steps 5] [--minutes 1] [--p99-bound-ms 2000] [--out FILE]
#                            [--attach] [--kafka-port 9092] [--http-port-base 8081] [--faces DIR] [--train-steps 200]
#                            [--data DIR]
#   without --attach: starts the broker and the four services (data under deploy/target/load-run unless --data),
#                     trains a small model on --faces or synthetic identities (the run command's job), then loads it;
#   --attach:         uses a system already running (./run-local.sh) on --kafka-port / --http-port-base, with a model
#                     served.
# Environment: FACESTREAM_SKIP_BUILD=1 skips the build (mvn -DskipTests install).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
if [ "${FACESTREAM_SKIP_BUILD:-}" != "1" ]; then
  echo "[load] building (mvn -DskipTests install)..."
  mvn -B -q -DskipTests install
fi
data=()
case " $* " in
  *" --data "*|*" --attach "*) ;;
  *) rm -rf deploy/target/load-run; data=(--data deploy/target/load-run) ;;
esac
exec java -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -Dorg.slf4j.simpleLogger.log.org.apache.kafka=error \
  -cp "$root/deploy/target/classes:$(cat deploy/target/launcher.classpath)" \
  io.facestream.deploy.LoadHarness --home . "${data[@]}" "$@"
