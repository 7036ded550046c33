package io.facestream.tflite.inspect;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a .tflite file contains, read with the TFLite schema classes.
 *
 * @param sizeBytes     file size
 * @param schemaVersion Model.version (3 for every current TFLite file)
 * @param description   Model.description
 * @param operators     the main subgraph's operators in execution order
 * @param tensors       its tensors
 * @param inputs        input tensor indices
 * @param outputs       output tensor indices
 */
public record ModelReport(long sizeBytes, long schemaVersion, String description, List<Operator> operators,
                          List<TensorEntry> tensors, int[] inputs, int[] outputs) {

    /** An operator: builtin name (or custom code), version, tensor indices. */
    public record Operator(int index, String opcode, int version, int[] inputs, int[] outputs) {
        @Override
        public String toString() {
            return opcode + " v" + version + " " + Arrays.toString(inputs) + " -> " + Arrays.toString(outputs);
        }
    }

    /**
     * A tensor: type name, shape, bytes of constant data (0 for activations), quantization (empty arrays when
     * none; more than one scale means per-channel along quantizedDimension).
     */
    public record TensorEntry(int index, String name, String type, int[] shape, long dataBytes, float[] scales,
                              long[] zeroPoints, int quantizedDimension) {

        public boolean isConstant() {
            return dataBytes > 0;
        }

        public int channelCount() {
            return scales.length;
        }

        @Override
        public String toString() {
            StringBuilder s = new StringBuilder(name).append(' ').append(type).append(Arrays.toString(shape));
            if (isConstant()) {
                s.append(" const ").append(dataBytes).append(" B");
            }
            if (scales.length == 1) {
                s.append(" scale=").append(scales[0]).append(" zero_point=").append(zeroPoints[0]);
            } else if (scales.length > 1) {
                s.append(" per-channel ").append(scales.length).append(" scales (axis ").append(quantizedDimension)
                        .append(", zero points ").append(allZero(zeroPoints) ? "0" : "mixed").append(')');
            }
            return s.toString();
        }

        private static boolean allZero(long[] values) {
            for (long v : values) {
                if (v != 0) {
                    return false;
                }
            }
            return true;
        }
    }

    /** How many operators of each kind and version, e.g. "CONV_2D v3" -> 12, in order of first use. */
    public Map<String, Integer> operatorCounts() {
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (Operator o : operators) {
            counts.merge(o.opcode() + " v" + o.version(), 1, Integer::sum);
        }
        return counts;
    }

    public long constantBytes() {
        return tensors.stream().mapToLong(TensorEntry::dataBytes).sum();
    }

    public TensorEntry tensor(int index) {
        return tensors.get(index);
    }

    /** A readable listing: summary, inputs and outputs, operator counts, operators, tensors. */
    public String toText() {
        StringBuilder s = new StringBuilder();
        s.append("size: ").append(sizeBytes).append(" bytes (").append(constantBytes()).append(" in constants)\n");
        s.append("schema version: ").append(schemaVersion).append('\n');
        s.append("description: ").append(description).append('\n');
        for (int i : inputs) {
            s.append("input: ").append(tensors.get(i)).append('\n');
        }
        for (int o : outputs) {
            s.append("output: ").append(tensors.get(o)).append('\n');
        }
        s.append("operators (").append(operators.size()).append("):\n");
        operatorCounts().forEach((k, v) -> s.append("  ").append(k).append(" x").append(v).append('\n'));
        s.append("execution order:\n");
        for (Operator o : operators) {
            s.append("  ").append(o.index()).append(": ").append(o).append('\n');
        }
        s.append("tensors (").append(tensors.size()).append("):\n");
        for (TensorEntry t : tensors) {
            s.append("  ").append(t.index()).append(": ").append(t).append('\n');
        }
        return s.toString();
    }
}
