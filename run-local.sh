#!/usr/bin/env bash
# Builds what is needed, then starts the embedded Kafka broker and the four services (Ctrl-C stops everything).
# Options are passed to the launcher: --data DIR, --kafka-port N, --http-port-base N, --stop-when-ready.
set -euo pipefail
cd "$(dirname "$0")"
if [ "${FACESTREAM_SKIP_BUILD:-}" != "1" ]; then
  echo "[facestream] building (mvn -DskipTests install; the first build downloads dependencies)..."
  mvn -B -q -DskipTests install
fi
exec java -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -Dorg.slf4j.simpleLogger.log.org.apache.kafka=error -cp "$PWD/deploy/target/classes:$(cat deploy/target/launcher.classpath)" \
  io.facestream.deploy.LocalSystem --home . "$@"
