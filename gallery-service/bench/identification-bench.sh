#!/usr/bin/env bash
# Identification latency against galleries of 1k..1M centroids of 512 floats: the gallery's SIMD matching, its
# plain loop, and FAISS IndexFlatIP (Debian's python3-faiss under /usr/bin/python3; skipped with a message if it
# cannot be imported) on the same data. Needs the upstream modules installed (mvn -DskipTests install) and, for
# 1M, about 6 GB for Java plus 4 GB for FAISS.
# Usage: gallery-service/bench/identification-bench.sh [sizes, default 1000,10000,100000,1000000]
set -euo pipefail
module="$(cd "$(dirname "$0")/.." && pwd)"
cd "$module/.."
mvn -B -q -pl gallery-service test-compile dependency:build-classpath \
    -Dmdep.outputFile="$module/target/bench.classpath" -Dmdep.includeScope=test
cd "$module"
exec java --add-modules jdk.incubator.vector -Xmx6g \
    -cp "target/test-classes:target/classes:$(cat target/bench.classpath)" \
    io.facestream.gallery.bench.IdentificationBenchmark "$@"
