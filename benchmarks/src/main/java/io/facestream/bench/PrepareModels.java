package io.facestream.bench;

import io.facestream.model.FaceModelSpec;
import io.facestream.model.checkpoint.Checkpoint;
import io.facestream.model.checkpoint.CheckpointReader;
import io.facestream.model.checkpoint.CheckpointWriter;
import io.facestream.model.checkpoint.FloatTensor;
import io.facestream.model.graph.ModelGraph;
import io.facestream.model.graph.WeightSpec;
import io.facestream.model.image.ImagePreprocessor;
import io.facestream.model.image.Preprocessing;
import io.facestream.tflite.SyntheticWeights;
import io.facestream.tflite.lower.LoweredModel;
import io.facestream.tflite.lower.TfliteConverter;
import io.facestream.tflite.quant.Int8Options;
import io.facestream.tflite.runtime.TfliteEmbedder;
import io.facestream.tflite.runtime.TfliteOptions;

import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.SplittableRandom;

/**
 * The first step of a run (TFLite JVM): the inputs, and per backbone one set of weights (synthetic, or a trained
 * checkpoint given on the command line) as a portable checkpoint, converted to float32 and int8 TFLite. Writes
 * run.properties: where the weights and images came from, multiply-adds, sizes and XNNPACK partitions.
 *
 * <p>Usage: PrepareModels --dir RUN_DIR --faces LFW112_DIR [--images 64] [--checkpoint FILE]...
 */
public final class PrepareModels {

    /** Synthetic weights: the seed, and how many inputs set their batch-norm statistics. */
    private static final long SEED = 1;
    private static final int INIT_IMAGES = 16;

    private PrepareModels() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, List<String>> options = Args.parse(args, List.of("dir", "faces", "images", "checkpoint"));
        Path dir = Path.of(Args.one(options, "dir", null));
        Path faces = Path.of(Args.one(options, "faces", null));
        int count = Integer.parseInt(Args.one(options, "images", "64"));
        Files.createDirectories(dir);
        Map<String, Path> trained = new HashMap<>();
        for (String file : options.getOrDefault("checkpoint", List.of())) {
            Checkpoint c = CheckpointReader.read(Path.of(file));
            String backbone = c.spec().backboneType();
            if (!BenchModels.BACKBONES.contains(backbone)) {
                throw new IllegalArgumentException(file + " is a " + backbone + " checkpoint; the benchmark measures "
                        + BenchModels.BACKBONES);
            }
            trained.put(backbone, Path.of(file));
        }

        Properties run = new Properties();
        FaceCrops crops = FaceCrops.load(faces, count);
        ImagePreprocessor preprocessor = new ImagePreprocessor(Preprocessing.minusOneToOne(BenchModels.INPUT_SIZE));
        List<float[]> inputs = new ArrayList<>();
        for (byte[] jpeg : crops.jpegs()) {
            inputs.add(preprocessor.toTensor(jpeg));
        }
        BenchModels.writeMatrix(BenchModels.inputs(dir), inputs);
        run.setProperty("images", crops.source());
        System.out.println("inputs: " + crops.source());

        for (String backbone : BenchModels.BACKBONES) {
            long t0 = System.nanoTime();
            Checkpoint checkpoint;
            Path target = BenchModels.checkpoint(dir, backbone);
            if (trained.containsKey(backbone)) {
                Files.copy(trained.get(backbone), target, StandardCopyOption.REPLACE_EXISTING);
                checkpoint = CheckpointReader.read(target);
                FaceModelSpec s = checkpoint.spec();
                run.setProperty("weights." + backbone, "trained checkpoint " + trained.get(backbone) + " (step "
                        + checkpoint.step() + ", input " + s.inputSize() + ", embedding " + s.embeddingSize()
                        + ", alpha " + s.alpha() + ")");
            } else {
                checkpoint = synthetic(backbone, inputs.subList(0, Math.min(INIT_IMAGES, inputs.size())));
                CheckpointWriter.write(checkpoint, target);
                run.setProperty("weights." + backbone, "synthetic (SyntheticWeights, seed " + SEED + ")");
            }
            ModelGraph graph = checkpoint.graph();
            LoweredModel lowered = TfliteConverter.lower(graph, TfliteConverter.weightsOf(checkpoint));
            byte[] float32 = lowered.float32();
            byte[] int8 = lowered.int8(lowered.calibrate(inputs, 2), Int8Options.floatInput());
            Files.write(BenchModels.tflite(dir, backbone, "float32"), float32);
            Files.write(BenchModels.tflite(dir, backbone, "int8"), int8);
            run.setProperty("macs." + backbone, Long.toString(graph.multiplyAdds()));
            run.setProperty("parameters." + backbone, Long.toString(graph.parameterCount()));
            run.setProperty("bytes." + backbone + ".float32", Integer.toString(float32.length));
            run.setProperty("bytes." + backbone + ".int8", Integer.toString(int8.length));
            for (String precision : List.of("float32", "int8")) {
                writeEmbeddings(dir, backbone, precision, inputs);
                run.setProperty("xnnpack_partitions." + backbone + "." + precision,
                        Long.toString(XnnpackPartitions.count(BenchModels.tflite(dir, backbone, precision))));
            }
            System.out.printf("%s: %s, %,d multiply-adds, float32 %,d bytes, int8 %,d bytes, XNNPACK partitions "
                    + "float32 %s, int8 %s (%.0f s)%n", backbone, run.getProperty("weights." + backbone),
                    graph.multiplyAdds(), float32.length, int8.length,
                    run.getProperty("xnnpack_partitions." + backbone + ".float32"),
                    run.getProperty("xnnpack_partitions." + backbone + ".int8"), (System.nanoTime() - t0) / 1e9);
        }
        run.setProperty("natives.tflite", NativeLibraries.requireOnly(NativeLibraries.Runtime.TFLITE));
        try (Writer w = Files.newBufferedWriter(dir.resolve("run.properties"))) {
            run.store(w, "written by PrepareModels");
        }
    }

    /**
     * SyntheticWeights for the graph (batch-norm statistics from real inputs) plus a small random head, which the
     * checkpoint format requires and inference never reads.
     */
    private static Checkpoint synthetic(String backbone, List<float[]> initInputs) {
        FaceModelSpec spec = BenchModels.spec(backbone);
        ModelGraph graph = spec.embeddingGraph();
        Map<String, FloatTensor> tensors = new LinkedHashMap<>();
        Map<String, float[]> weights = SyntheticWeights.create(graph, SEED, initInputs);
        for (WeightSpec w : graph.weights()) {
            tensors.put(w.qualifiedName(), new FloatTensor(w.shape(), weights.get(w.qualifiedName())));
        }
        SplittableRandom random = new SplittableRandom(SEED);
        for (WeightSpec w : spec.head().weights(spec.embeddingSize())) {
            float[] v = new float[Math.toIntExact(w.shape().elementCount())];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) ((random.nextDouble() - 0.5) * 0.1);
            }
            tensors.put(w.qualifiedName(), new FloatTensor(w.shape(), v));
        }
        return Checkpoint.of(spec, tensors, 0, 0, Instant.now(), Map.of(), Map.of());
    }

    private static void writeEmbeddings(Path dir, String backbone, String precision, List<float[]> inputs)
            throws IOException {
        try (TfliteEmbedder embedder = TfliteEmbedder.load(BenchModels.tflite(dir, backbone, precision),
                TfliteOptions.threads(1))) {
            List<float[]> out = new ArrayList<>();
            for (float[] image : inputs.subList(0, BenchModels.CHECK_IMAGES)) {
                out.add(BenchModels.normalized(embedder.embed(image)));
            }
            BenchModels.writeMatrix(BenchModels.embeddings(dir, backbone, "tflite-" + precision), out);
        }
    }
}
