package io.facestream.trainer.cli;

import io.facestream.model.FaceModelSpec;
import io.facestream.model.head.HeadConfig;
import io.facestream.model.head.HeadType;
import io.facestream.trainer.tf.OptimizerSettings;
import io.facestream.trainer.tf.TfFaceModel;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Command line: training throughput of the TensorFlow Java lowering, in images per second. Each backbone gets
 * JHFace's face model (output layer, 512-d embedding) with an ArcFace head (m 0.5, s 64) and SGD with Nesterov
 * momentum; one fixed batch of random [-1, 1] pixels with random labels is stepped on repeatedly, so the figure is
 * the training step alone (forward, backward, update), without image decoding. The first steps are not timed
 * (TensorFlow optimises the graph on the first run); the median step time of the rest gives the figure.
 *
 * <p>One line a backbone starting {@code RESULT} (machine-readable: trainer-service/bench/training-bench.sh reads
 * it beside the PyTorch figure of the same step).
 */
public final class TrainingBenchmark {

    private static final String USAGE = """
            usage: TrainingBenchmark [options]
              --backbones <a,b>  zoo names (default MobileFaceNet,MobileNetV2)
              --batch <n>        images a step (default 64)
              --size <n>         input side in pixels (default 112)
              --classes <n>      identities of the ArcFace head (default 1000)
              --steps <n>        timed steps (default 20)
              --warmup <n>       untimed steps first (default 3)
              --threads <n>      TensorFlow intra- and inter-op threads (default: the processors)""";

    private TrainingBenchmark() {
    }

    public static void main(String[] args) {
        Map<String, String> options;
        try {
            options = CommandLine.parse(args, List.of("backbones", "batch", "size", "classes", "steps", "warmup",
                    "threads"), List.of());
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            System.err.println(USAGE);
            System.exit(2);
            return;
        }
        List<String> backbones = List.of(options.getOrDefault("backbones", "MobileFaceNet,MobileNetV2").split(","));
        int batch = CommandLine.integer(options, "batch", 64);
        int size = CommandLine.integer(options, "size", 112);
        int classes = CommandLine.integer(options, "classes", 1000);
        int steps = CommandLine.integer(options, "steps", 20);
        int warmup = CommandLine.integer(options, "warmup", 3);
        int threads = CommandLine.integer(options, "threads", Runtime.getRuntime().availableProcessors());
        System.out.printf(Locale.ROOT, "TensorFlow Java training step: batch %d, %dx%d, ArcFace over %d classes, "
                + "%d threads, %d timed steps after %d warm-up steps%n", batch, size, size, classes, threads, steps,
                warmup);
        for (String backbone : backbones) {
            double[] seconds = measure(backbone.trim(), batch, size, classes, steps, warmup, threads);
            double median = median(seconds);
            System.out.printf(Locale.ROOT, "RESULT framework=tensorflow-java backbone=%s batch=%d size=%d "
                    + "median_step_ms=%.1f images_per_s=%.1f%n", backbone.trim(), batch, size, median * 1000,
                    batch / median);
        }
    }

    /** The time of each timed step, in seconds. */
    static double[] measure(String backbone, int batch, int size, int classes, int steps, int warmup, int threads) {
        FaceModelSpec spec = new FaceModelSpec(backbone, 1.0, size, FaceModelSpec.DEFAULT_EMBEDDING_SIZE,
                FaceModelSpec.DEFAULT_DROPOUT, FaceModelSpec.DEFAULT_WEIGHT_DECAY,
                HeadConfig.defaults(HeadType.ARCFACE, classes), null);
        Random random = new Random(1);
        float[] images = new float[batch * size * size * 3];
        for (int i = 0; i < images.length; i++) {
            images[i] = random.nextFloat() * 2 - 1;
        }
        int[] labels = new int[batch];
        Arrays.setAll(labels, i -> random.nextInt(classes));
        try (TfFaceModel model = TfFaceModel.training(spec, OptimizerSettings.sgd(0.9, true), threads)) {
            model.initialize(1);
            List<Double> times = new ArrayList<>();
            for (int step = 0; step < warmup + steps; step++) {
                long start = System.nanoTime();
                model.trainStep(images, labels, 0.01, step, 1);
                if (step >= warmup) {
                    times.add((System.nanoTime() - start) / 1e9);
                }
            }
            return times.stream().mapToDouble(Double::doubleValue).toArray();
        }
    }

    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
