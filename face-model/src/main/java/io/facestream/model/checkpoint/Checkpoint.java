package io.facestream.model.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import io.facestream.model.FaceModelSpec;
import io.facestream.model.graph.ModelGraph;
import io.facestream.model.graph.Shape;
import io.facestream.model.graph.WeightSpec;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A trained model's state, framework-free: what the trainer saves, the converter reads and a later training run
 * resumes from. The constructor checks that the tensors are exactly the graph's and the head's weights (plus
 * optimizer slots), with the right shapes and finite values. {@link CheckpointWriter} and {@link CheckpointReader}
 * give its file form.
 *
 * @param spec     the model's definition
 * @param graph    the embedding graph the weights belong to (normally {@code spec.embeddingGraph()}, stored so the
 *                 checkpoint stays readable if the zoo's definitions change)
 * @param training the training configuration, by name (optimizer, learning rate schedule, batch size, ...)
 * @param metrics  evaluation results at this point (loss, accuracy, verification accuracy, ...)
 * @param step     optimizer steps taken
 * @param epoch    epochs completed
 * @param created  when the checkpoint was taken
 * @param tensors  every weight by {@link WeightSpec#qualifiedName()}, the head's under "head/", optimizer slots
 *                 under {@value #OPTIMIZER_PREFIX}
 */
public record Checkpoint(FaceModelSpec spec, ModelGraph graph, Map<String, JsonNode> training,
                         Map<String, Double> metrics, long step, int epoch, Instant created,
                         Map<String, FloatTensor> tensors) {

    /** Names under this prefix are optimizer state (slots, iteration counters), free in name and shape. */
    public static final String OPTIMIZER_PREFIX = "optimizer/";

    public Checkpoint {
        if (spec == null || graph == null || created == null) {
            throw new IllegalArgumentException("a checkpoint needs a spec, a graph and a creation time");
        }
        if (step < 0 || epoch < 0) {
            throw new IllegalArgumentException("step and epoch must not be negative, got step " + step + " epoch "
                    + epoch);
        }
        checkGraphFitsSpec(spec, graph);
        training = copyTraining(training);
        metrics = copyMetrics(metrics);
        tensors = copyTensors(tensors);
        checkTensors(expectedWeights(spec, graph), tensors);
    }

    /** A checkpoint of the spec's own embedding graph. */
    public static Checkpoint of(FaceModelSpec spec, Map<String, FloatTensor> tensors, long step, int epoch,
                                Instant created, Map<String, JsonNode> training, Map<String, Double> metrics) {
        return new Checkpoint(spec, spec.embeddingGraph(), training, metrics, step, epoch, created, tensors);
    }

    /** The tensors a checkpoint must hold: the graph's weights, then the head's. */
    public static List<WeightSpec> expectedWeights(FaceModelSpec spec, ModelGraph graph) {
        List<WeightSpec> all = new ArrayList<>(graph.weights());
        all.addAll(spec.head().weights(spec.embeddingSize()));
        return all;
    }

    /** SHA-256 of a file's bytes, lower-case hex: the digest that travels with a checkpoint reference. */
    public static String sha256(Path file) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
        byte[] buf = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buf)) > 0; ) {
                digest.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static void checkGraphFitsSpec(FaceModelSpec spec, ModelGraph graph) {
        Shape input = Shape.of(spec.inputSize(), spec.inputSize(), 3);
        if (!graph.inputShape().equals(input)) {
            throw new IllegalArgumentException("graph input " + graph.inputShape() + " does not match the spec's "
                    + input);
        }
        if (!graph.outputShape().equals(Shape.of(spec.embeddingSize()))) {
            throw new IllegalArgumentException("graph output " + graph.outputShape()
                    + " does not match the spec's embeddingSize " + spec.embeddingSize());
        }
    }

    private static Map<String, JsonNode> copyTraining(Map<String, JsonNode> training) {
        Map<String, JsonNode> copy = new TreeMap<>();
        if (training != null) {
            training.forEach((k, v) -> {
                if (k == null || k.isBlank() || v == null) {
                    throw new IllegalArgumentException("training entries need a name and a JSON value: " + k);
                }
                copy.put(k, v.deepCopy());
            });
        }
        return Collections.unmodifiableMap(copy);
    }

    private static Map<String, Double> copyMetrics(Map<String, Double> metrics) {
        Map<String, Double> copy = new TreeMap<>();
        if (metrics != null) {
            metrics.forEach((k, v) -> {
                if (k == null || k.isBlank() || v == null || !Double.isFinite(v)) {
                    throw new IllegalArgumentException("metric " + k + " must have a finite value, got " + v);
                }
                copy.put(k, v);
            });
        }
        return Collections.unmodifiableMap(copy);
    }

    private static Map<String, FloatTensor> copyTensors(Map<String, FloatTensor> tensors) {
        Map<String, FloatTensor> copy = new TreeMap<>();
        if (tensors != null) {
            tensors.forEach((k, v) -> {
                if (k == null || v == null) {
                    throw new IllegalArgumentException("tensor entries need a name and a value: " + k);
                }
                copy.put(k, v);
            });
        }
        return Collections.unmodifiableMap(copy);
    }

    private static void checkTensors(List<WeightSpec> expected, Map<String, FloatTensor> tensors) {
        Map<String, WeightSpec> byName = new TreeMap<>();
        for (WeightSpec w : expected) {
            byName.put(w.qualifiedName(), w);
            FloatTensor t = tensors.get(w.qualifiedName());
            if (t == null) {
                throw new IllegalArgumentException("missing tensor " + w.qualifiedName() + " " + w.shape());
            }
            if (!t.shape().equals(w.shape())) {
                throw new IllegalArgumentException("tensor " + w.qualifiedName() + " has shape " + t.shape()
                        + ", the model expects " + w.shape());
            }
        }
        for (Map.Entry<String, FloatTensor> e : tensors.entrySet()) {
            String name = e.getKey();
            if (!byName.containsKey(name)
                    && !(name.startsWith(OPTIMIZER_PREFIX) && name.length() > OPTIMIZER_PREFIX.length())) {
                throw new IllegalArgumentException("unexpected tensor " + name + ": neither a weight of the model "
                        + "nor an optimizer slot under " + OPTIMIZER_PREFIX);
            }
            int bad = e.getValue().firstNonFinite();
            if (bad >= 0) {
                throw new IllegalArgumentException("tensor " + name + " holds " + e.getValue().data()[bad]
                        + " at index " + bad + ": weights must be finite (a diverged run is not a checkpoint)");
            }
        }
    }
}
