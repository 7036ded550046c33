package io.facestream.model.pretrained;

import io.facestream.model.graph.ModelGraph;
import io.facestream.model.graph.WeightSpec;
import io.facestream.model.pretrained.KerasH5Layout.Entry;
import io.facestream.model.pretrained.WeightMatchReport.ShapeMismatch;
import io.jhdf.HdfFile;
import io.jhdf.exceptions.HdfException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * ImageNet-pretrained weights from a tf.keras.applications .h5 file the user supplies (nothing is downloaded),
 * matched to a {@link ModelGraph} by layer name (the graph's node name), weight name ({@link WeightSpec#name()})
 * and shape. A tensor is taken only when all three agree; the report says what did not.
 *
 * @param tensors matched tensors by qualified name (node/weight), row-major in the graph's weight order
 * @param report  what matched, was missing, had another shape, or was left unused
 */
public record PretrainedWeights(Map<String, float[]> tensors, WeightMatchReport report) {

    /**
     * The zoo's naming rule: Keras layer names may contain '/' (MobileNetV3's "expanded_conv_1/expand/BatchNorm")
     * but node names may not, so the zoo writes '_' where Keras has '/'.
     */
    public static final UnaryOperator<String> KERAS_LAYER_TO_NODE = layer -> layer.replace('/', '_');

    public PretrainedWeights {
        tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
    }

    public static PretrainedWeights load(Path h5, ModelGraph graph) throws IOException {
        return load(h5, graph, KERAS_LAYER_TO_NODE);
    }

    /** As {@link #load(Path, ModelGraph)}, with another mapping from Keras layer names to node names. */
    public static PretrainedWeights load(Path h5, ModelGraph graph, UnaryOperator<String> layerToNode)
            throws IOException {
        if (!Files.isRegularFile(h5)) {
            throw new NoSuchFileException(h5.toString());
        }
        Map<String, WeightSpec> wanted = new LinkedHashMap<>();
        for (WeightSpec spec : graph.weights()) {
            wanted.put(spec.qualifiedName(), spec);
        }
        try (HdfFile file = new HdfFile(h5)) {
            Map<String, float[]> found = new LinkedHashMap<>();
            Map<String, ShapeMismatch> mismatches = new LinkedHashMap<>();
            List<String> unused = new ArrayList<>();
            for (Entry entry : KerasH5Layout.entries(file)) {
                String name = layerToNode.apply(entry.kerasLayer()) + "/" + entry.weightName();
                WeightSpec spec = wanted.get(name);
                if (spec == null || found.containsKey(name) || mismatches.containsKey(name)) {
                    unused.add(entry.path());
                } else if (Arrays.equals(spec.shape().toArray(), entry.dims())) {
                    found.put(name, KerasH5Layout.read(file, entry));
                } else {
                    mismatches.put(name, new ShapeMismatch(name, spec.shape(),
                            Arrays.stream(entry.dims()).boxed().toList()));
                }
            }
            // graph order, so reports and tensors read in the order the model is built
            Map<String, float[]> tensors = new LinkedHashMap<>();
            List<String> missing = new ArrayList<>();
            List<ShapeMismatch> shapeMismatches = new ArrayList<>();
            for (String name : wanted.keySet()) {
                if (found.containsKey(name)) {
                    tensors.put(name, found.get(name));
                } else if (mismatches.containsKey(name)) {
                    shapeMismatches.add(mismatches.get(name));
                } else {
                    missing.add(name);
                }
            }
            return new PretrainedWeights(tensors,
                    new WeightMatchReport(List.copyOf(tensors.keySet()), missing, shapeMismatches, unused));
        } catch (HdfException e) {
            throw new IOException(h5 + " is not a readable HDF5 file: " + e.getMessage(), e);
        }
    }

    /** The tensor for a graph weight, if it was loaded. */
    public float[] tensor(WeightSpec spec) {
        return tensors.get(spec.qualifiedName());
    }
}
