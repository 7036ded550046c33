#!/usr/bin/env bash
# The embedder benchmark (on demand; not part of `mvn verify`). On this machine, in one run, it measures and prints
# as Markdown tables (also benchmarks/target/bench-run/report.md):
#  1. faces/s and latency (median, p99) of MobileFaceNet and MobileNetV2 (alpha 1, 112x112, 512-d output layer) as
#     int8 TFLite, float32 TFLite and TensorFlow Java float (trainer-service's TfFaceModel), 1 and 2 threads, batch 1
#     and 16 (JMH, one forked JVM per configuration), with ratios to TensorFlow Java;
#  2. embedder-service end to end (frames -> Kafka -> embeddings; in-JVM KRaft broker, the packaged service as a
#     child process, the int8 MobileFaceNet artifact by file: URL) next to the raw interpreter loop on the same images;
#  3. the multiply-adds per face (ModelGraph.multiplyAdds) and the fraction of this CPU's measured int8 peak
#     (src/main/c/int8_peak.c, compiled with gcc -march=native) that the int8 model reaches.
# TFLite (JavaCPP 1.5.14) and TensorFlow Java (JavaCPP 1.5.11) never share a JVM: TFLite runs on this module's
# class path, TensorFlow Java on trainer-service's; every JVM checks from /proc/self/maps what it loaded.
#
# Usage: benchmarks/run-embedder-bench.sh [--checkpoint FILE]... [--faces DIR] [--frames N] [--quick]
#   --checkpoint FILE  a trained checkpoint (MobileFaceNet or MobileNetV2) instead of synthetic weights for its model
#   --faces DIR        face crops (default ../shared/data/lfw112 beside the repository; synthetic faces if absent)
#   --frames N         frames of the end-to-end measurement (default 1000)
#   --quick            short JMH runs and 300 frames: checks that everything works, figures not for reporting
# Environment: MVN, the Maven command (default: mvn). Needs Java 17, Maven, npm (first build) and gcc.
# Takes about 11 minutes on 2 cores (build included).
set -euo pipefail
module="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$module/.." && pwd)"
read -r -a mvn <<< "${MVN:-mvn}"
faces="$root/../shared/data/lfw112"
frames=1000
jmh_options=()
checkpoints=()
while (($#)); do
    case "$1" in
        --checkpoint) checkpoints+=(--checkpoint "$(realpath "$2")"); shift 2 ;;
        --faces) faces="$2"; shift 2 ;;
        --frames) frames="$2"; shift 2 ;;
        --quick) jmh_options=(-wi 1 -w 1s -i 2 -r 1s); frames=300; shift ;;
        *) echo "unknown argument: $1 (see the usage at the top of $0)" >&2; exit 2 ;;
    esac
done

run="$module/target/bench-run"
rm -rf "$run"
mkdir -p "$run"
# each step's title, and the load average as it begins (the report prints them: the machine may be shared)
step() {
    echo "== $1"
    echo "$1|$(cut -d' ' -f1-3 /proc/loadavg)" >> "$run/loadavg.log"
}

step "build"
echo "   the modules, the packaged embedder-service, both class paths"
"${mvn[@]}" -B -q -f "$root/pom.xml" -pl benchmarks -am package dependency:build-classpath -DskipTests \
    -Dmdep.includeScope=runtime -Dmdep.outputFile=target/bench.classpath
tflite_cp="$module/target/classes:$(cat "$module/target/bench.classpath")"
jmh_jars="$(tr ':' '\n' < "$module/target/bench.classpath" | grep -E '/(jmh-core|jopt-simple|commons-math3)-' | paste -sd:)"
tf_cp="$module/target/classes:$root/trainer-service/target/classes:$(cat "$root/trainer-service/target/bench.classpath"):$jmh_jars"
export TF_CPP_MIN_LOG_LEVEL=2 # TensorFlow's start-up chatter

step "models"
echo "   weights, float32 and int8 TFLite (TFLite JVM)"
java -Xmx4g -cp "$tflite_cp" io.facestream.bench.PrepareModels --dir "$run" --faces "$faces" "${checkpoints[@]}"
step "TF Java check"
echo "   the same weights in TensorFlow Java (its own JVM)"
java -Xmx4g -Dbench.dir="$run" -cp "$tf_cp" io.facestream.bench.TfJavaCheck

step "TFLite inference"
echo "   int8 and float32, JMH log: $run/jmh-tflite.log"
java -cp "$tflite_cp" org.openjdk.jmh.Main 'io\.facestream\.bench\.TfliteInferenceBenchmark' \
    -rf json -rff "$run/tflite.json" -o "$run/jmh-tflite.log" -jvmArgsAppend "-Xmx2g -Dbench.dir=$run" \
    "${jmh_options[@]}"
step "TF Java inference"
echo "   float, JMH log: $run/jmh-tfjava.log"
java -cp "$tf_cp" org.openjdk.jmh.Main 'io\.facestream\.bench\.TfJavaInferenceBenchmark' \
    -rf json -rff "$run/tfjava.json" -o "$run/jmh-tfjava.log" -jvmArgsAppend "-Xmx3g -Dbench.dir=$run" \
    "${jmh_options[@]}"

step "int8 peak"
if gcc -O2 -march=native -pthread "$module/src/main/c/int8_peak.c" -o "$run/int8_peak"; then
    "$run/int8_peak" "$(nproc)" | tee "$run/peak.txt"
else
    echo "int8 peak: not measured (gcc missing, or a CPU without AVX2)"
fi

step "end to end"
echo "   embedder-service through Kafka, and the raw interpreter loop"
java -Xmx2g -cp "$tflite_cp" io.facestream.bench.EndToEndBenchmark --dir "$run" --faces "$faces" \
    --service-jar "$root/embedder-service/target/quarkus-app/quarkus-run.jar" --frames "$frames"

echo "end|$(cut -d' ' -f1-3 /proc/loadavg)" >> "$run/loadavg.log"
echo
java -cp "$tflite_cp" io.facestream.bench.BenchReport --dir "$run"
