package io.facestream.converter.rest;

import io.facestream.tflite.inspect.ModelReport;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A .tflite file's structure as JSON (ModelInspector's report): size, inputs and outputs, operator counts, the
 * operators in execution order, and every tensor with its type, shape and quantization parameters.
 */
public record InspectionView(long sizeBytes, long constantBytes, long schemaVersion, String description,
                             List<TensorView> inputs, List<TensorView> outputs, Map<String, Integer> operatorCounts,
                             List<OperatorView> operators, List<TensorView> tensors) {

    public record OperatorView(int index, String opcode, int version, int[] inputs, int[] outputs) {
    }

    /**
     * @param scales             quantization scales: none, one, or one per channel along quantizedDimension
     * @param zeroPoints         quantization zero points, as many as scales
     * @param dataBytes          bytes of constant data (0 for activations)
     */
    public record TensorView(int index, String name, String type, int[] shape, long dataBytes, float[] scales,
                             long[] zeroPoints, int quantizedDimension) {
    }

    public static InspectionView of(ModelReport r) {
        List<TensorView> tensors = r.tensors().stream().map(InspectionView::tensor).toList();
        return new InspectionView(r.sizeBytes(), r.constantBytes(), r.schemaVersion(), r.description(),
                Arrays.stream(r.inputs()).mapToObj(tensors::get).toList(),
                Arrays.stream(r.outputs()).mapToObj(tensors::get).toList(), r.operatorCounts(),
                r.operators().stream().map(o -> new OperatorView(o.index(), o.opcode(), o.version(), o.inputs(),
                        o.outputs())).toList(), tensors);
    }

    private static TensorView tensor(ModelReport.TensorEntry t) {
        return new TensorView(t.index(), t.name(), t.type(), t.shape(), t.dataBytes(), t.scales(), t.zeroPoints(),
                t.quantizedDimension());
    }
}
