#!/usr/bin/env bash
# Identification on lfw112 people a model never saw (on demand; not part of `mvn verify`): closed-set rank-1 and
# open-set DIR at FAR 1% and 10%, plus the FAR and DIR of gallery-service's own calibrated threshold, for a
# checkpoint converted to float32 and int8 TFLite (face-tflite) and for the eigenfaces baseline. Protocol, models
# and figures: the Javadoc of src/main/java/io/facestream/bench/IdentificationEval.java. Prints a Markdown table.
#
# Usage: benchmarks/run-identification-eval.sh --checkpoint FILE [--faces DIR] [--enroll first|half]
#            [--flip true|false] [--far 0.01,0.1] [--threads N] [--calibration N]
#   --checkpoint FILE  a trained face-model checkpoint (read in place, never copied)
#   --faces DIR        lfw112 (default ../shared/data/lfw112 beside the repository)
#   --enroll           enrol each person's first image (default) or the first half of their images
#   --flip             embed each image with its mirror image, as the converter's verification does (default true)
# Needs the upstream modules installed (mvn -B -q install -DskipTests). Environment: MVN, the Maven command (default
# mvn). 4-10 minutes on 2 cores for MobileFaceNet at 64x64, most of it the int8 model.
set -euo pipefail
module="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$module/.." && pwd)"
read -r -a mvn <<< "${MVN:-mvn}"
# Maven's output to stderr: stdout is the report
"${mvn[@]}" -B -q -f "$root/pom.xml" -pl benchmarks compile dependency:build-classpath \
    -Dmdep.includeScope=runtime -Dmdep.outputFile=target/identification.classpath >&2
echo "date: $(date -u '+%Y-%m-%d %H:%M UTC'); machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo \
    | cut -d: -f2 | xargs), load average $(cut -d' ' -f1-3 /proc/loadavg); $(java -version 2>&1 | head -1)"
echo "command: benchmarks/run-identification-eval.sh $*"
exec java --add-modules jdk.incubator.vector -Xmx3g \
    -cp "$module/target/classes:$(cat "$module/target/identification.classpath")" \
    io.facestream.bench.IdentificationEval --faces "$root/../shared/data/lfw112" "$@"
