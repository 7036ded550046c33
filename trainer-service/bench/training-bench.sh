#!/usr/bin/env bash
# Training throughput (images/s) of one training step on this machine: facestream's TensorFlow Java lowering
# (io.facestream.trainer.cli.TrainingBenchmark) and the same model and step in PyTorch (torch_training_step.py, on
# Debian's python3-torch under /usr/bin/python3: apt-get install -y python3-torch; skipped with a message when it
# cannot be imported), then the ratio. Needs the upstream modules installed (mvn -DskipTests install).
# Usage: trainer-service/bench/training-bench.sh [--backbones MobileFaceNet,MobileNetV2] [--batch 64] [--size 112]
#        [--steps 10] [--warmup 2] [--threads 2]   (the same options go to both sides)
set -euo pipefail
module="$(cd "$(dirname "$0")/.." && pwd)"
cd "$module/.."
mvn -B -q -pl trainer-service compile dependency:build-classpath -Dmdep.outputFile="$module/target/bench.classpath"
cd "$module"
threads=2
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
    if [[ "${args[$i]}" == "--threads" ]]; then threads="${args[$((i + 1))]}"; fi
done
out="$(mktemp)"
trap 'rm -f "$out"' EXIT
java -Xmx4g -cp "target/classes:$(cat target/bench.classpath)" io.facestream.trainer.cli.TrainingBenchmark \
    --steps 10 --warmup 2 --threads "$threads" "$@" 2> >(grep -v -e '^WARNING' -e '^I0000' -e 'tensorflow/core' -e '^To enable' >&2) | tee -a "$out"
if /usr/bin/python3 -c 'import torch' 2>/dev/null; then
    /usr/bin/python3 bench/torch_training_step.py --steps 10 --warmup 2 --threads "$threads" "$@" | tee -a "$out"
else
    echo "PyTorch: skipped (import torch fails under /usr/bin/python3; apt-get install -y python3-torch)"
fi
echo
echo "| backbone | TensorFlow Java images/s | PyTorch images/s | TensorFlow Java / PyTorch |"
echo "|---|---:|---:|---:|"
awk '/^RESULT/ {
        for (i = 2; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
        ips[f["framework"] "|" f["backbone"]] = f["images_per_s"]; if (!(f["backbone"] in seen)) { seen[f["backbone"]] = 1; order[n++] = f["backbone"] }
     }
     END {
        for (i = 0; i < n; i++) {
            b = order[i]; tf = ips["tensorflow-java|" b]; pt = ips["pytorch|" b]
            printf "| %s | %s | %s | %s |\n", b, tf, (pt == "" ? "-" : pt), (pt == "" ? "-" : sprintf("%.2f", tf / pt))
        }
     }' "$out"
