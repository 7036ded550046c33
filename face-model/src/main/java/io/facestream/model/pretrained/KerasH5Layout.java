package io.facestream.model.pretrained;

import io.jhdf.HdfFile;
import io.jhdf.api.Attribute;
import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Node;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Lists the weight tensors in a tf.keras HDF5 weights file, as Keras 2 (and Keras 3's legacy .h5 format) writes it:
 * <pre>
 * /                          save_weights(): attribute layer_names
 * /model_weights             model.save(): the same, one level down (beside model_config, optimizer_weights)
 *   &lt;layer&gt;                  attribute weight_names, e.g. ["conv1/kernel:0", "conv1/bias:0"]
 *     &lt;layer&gt;/kernel:0       the dataset, at the path given by its weight name
 * </pre>
 * A layer name with '/' (MobileNetV3's "Conv/BatchNorm") is a chain of nested HDF5 groups. A nested model (a
 * backbone inside a face model) is one "layer" whose weight names carry the inner layer names
 * ("Conv1/kernel:0"), so the Keras layer of a weight is its weight name without the last segment.
 */
final class KerasH5Layout {

    /**
     * One tensor in the file.
     *
     * @param kerasLayer the Keras layer it belongs to
     * @param weightName Keras' weight name without scope and ":0" ("kernel", "moving_mean")
     * @param path       dataset path in the file
     * @param dims       dataset dimensions
     */
    record Entry(String kerasLayer, String weightName, String path, int[] dims) {
    }

    private KerasH5Layout() {
    }

    static List<Entry> entries(HdfFile file) throws IOException {
        Group root = file;
        if (file.getChild("model_weights") instanceof Group modelWeights) {
            root = modelWeights;
        }
        String[] layerNames = strings(root.getAttribute("layer_names"));
        if (layerNames == null) {
            throw new IOException(file.getFile() + " has no Keras weights: expected a layer_names attribute at the "
                    + "root (save_weights) or in /model_weights (model.save). Keras 3 .weights.h5 files use another "
                    + "layout: save with save_weights(\"x.h5\") or model.save(\"x.h5\").");
        }
        String prefix = root == file ? "" : "model_weights/";
        List<Entry> entries = new ArrayList<>();
        for (String layer : layerNames) {
            if (!(root.getByPath(layer) instanceof Group layerGroup)) {
                throw new IOException("layer_names lists " + layer + " but " + prefix + layer + " is not a group");
            }
            String[] weightNames = strings(layerGroup.getAttribute("weight_names"));
            List<String> relativePaths = new ArrayList<>();
            if (weightNames != null) {
                relativePaths.addAll(List.of(weightNames));
            } else {
                // an empty weight_names is stored as an empty float array, which reads as null: walk the group
                collectDatasets(layerGroup, "", relativePaths);
            }
            for (String weight : relativePaths) {
                String path = prefix + layer + "/" + weight;
                if (!(file.getByPath(path) instanceof Dataset dataset)) {
                    throw new IOException("weight " + weight + " of layer " + layer + " is not a dataset at " + path);
                }
                int slash = weight.lastIndexOf('/');
                String kerasLayer = slash < 0 ? layer : weight.substring(0, slash);
                entries.add(new Entry(kerasLayer, stripIndex(weight.substring(slash + 1)), path,
                        dataset.getDimensions()));
            }
        }
        return entries;
    }

    /** The tensor as floats, row-major (HDF5's order, which is also TensorFlow's). */
    static float[] read(HdfFile file, Entry entry) throws IOException {
        Object data = file.getDatasetByPath(entry.path()).getDataFlat();
        if (data instanceof float[] floats) {
            return floats;
        }
        if (data instanceof double[] doubles) {
            float[] floats = new float[doubles.length];
            for (int i = 0; i < doubles.length; i++) {
                floats[i] = (float) doubles[i];
            }
            return floats;
        }
        throw new IOException(entry.path() + " holds " + data.getClass().getSimpleName() + ", not floating point");
    }

    private static void collectDatasets(Group group, String relative, List<String> out) {
        for (Node child : group) {
            String path = relative.isEmpty() ? child.getName() : relative + "/" + child.getName();
            if (child instanceof Group g) {
                collectDatasets(g, path, out);
            } else if (child instanceof Dataset) {
                out.add(path);
            }
        }
    }

    /** "kernel:0" to "kernel"; Keras 3 writes names without the index. */
    private static String stripIndex(String name) {
        int colon = name.lastIndexOf(':');
        if (colon > 0 && colon < name.length() - 1 && name.substring(colon + 1).chars().allMatch(Character::isDigit)) {
            return name.substring(0, colon);
        }
        return name;
    }

    private static String[] strings(Attribute attribute) {
        if (attribute == null) {
            return null;
        }
        return attribute.getData() instanceof String[] values ? values : null;
    }
}
