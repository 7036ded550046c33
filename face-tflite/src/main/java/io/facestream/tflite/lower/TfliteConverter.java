package io.facestream.tflite.lower;

import io.facestream.model.checkpoint.Checkpoint;
import io.facestream.model.checkpoint.FloatTensor;
import io.facestream.model.graph.ModelGraph;

import java.util.HashMap;
import java.util.Map;

/**
 * Converts a face model to a .tflite file: float input [1, H, W, 3] NHWC (preprocessed values), float output
 * [1, embeddingSize], L2-normalised. No Java library converts to TFLite; this writes the FlatBuffer itself (see
 * {@link GraphLowering} for the lowering, io.facestream.tflite.quant for the precisions).
 */
public final class TfliteConverter {

    private TfliteConverter() {
    }

    /** Lowers once; write any precision from the result. */
    public static LoweredModel lower(ModelGraph graph, Map<String, float[]> weights) {
        return new LoweredModel(GraphLowering.lower(graph, weights));
    }

    public static byte[] convert(ModelGraph graph, Map<String, float[]> weights, ConversionOptions options) {
        LoweredModel lowered = lower(graph, weights);
        return switch (options.precision()) {
            case FLOAT32 -> lowered.float32();
            case FLOAT16 -> lowered.float16();
            case DYNAMIC_RANGE -> lowered.dynamicRange();
            case INT8 -> lowered.int8(lowered.calibrate(options.calibrationInputs(), options.threads()),
                    options.int8());
        };
    }

    /** Converts a checkpoint's embedding graph with its weights (the head and optimizer state are not needed). */
    public static byte[] convert(Checkpoint checkpoint, ConversionOptions options) {
        return convert(checkpoint.graph(), weightsOf(checkpoint), options);
    }

    /** A checkpoint's tensors as the float arrays the lowering reads (not copied). */
    public static Map<String, float[]> weightsOf(Checkpoint checkpoint) {
        Map<String, float[]> weights = new HashMap<>();
        for (Map.Entry<String, FloatTensor> e : checkpoint.tensors().entrySet()) {
            weights.put(e.getKey(), e.getValue().data());
        }
        return weights;
    }
}
