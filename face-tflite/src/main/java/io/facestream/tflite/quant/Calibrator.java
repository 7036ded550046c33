package io.facestream.tflite.quant;

import io.facestream.tflite.runtime.TensorInfo;
import io.facestream.tflite.runtime.TfliteModel;
import io.facestream.tflite.runtime.TfliteModelException;
import io.facestream.tflite.runtime.TfliteOptions;

import org.tensorflow.lite.schema.Model;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Collects activation ranges (and channel means, for bias correction) by running the float32 model itself in the
 * TFLite runtime, builtin kernels only and every intermediate tensor preserved, on representative inputs.
 *
 * <p>Why the real runtime and not a Java executor: the ranges then belong to exactly the tensors the int8 model
 * has (after batch-norm folding, activation fusion and the SWISH / HARD_SIGMOID decompositions), computed by the
 * kernels that define TFLite's semantics, so there is no second implementation of every layer to keep in step.
 * XNNPACK is left off because it does not write the intermediate tensors of the graph part it runs.
 */
public final class Calibrator {

    private Calibrator() {
    }

    /**
     * @param float32Model a float32 model with one float input of shape [1, ...]
     * @param inputs       representative inputs, each the input's element count of preprocessed values
     * @param threads      interpreter threads
     */
    public static ActivationRanges calibrate(byte[] float32Model, Iterable<float[]> inputs, int threads) {
        ActivationRanges ranges = new ActivationRanges();
        try (TfliteModel model = TfliteModel.load(float32Model, TfliteOptions.inspectAllTensors(threads))) {
            if (model.inputCount() != 1 || model.input(0).type() != TensorInfo.FLOAT32) {
                throw new TfliteModelException("calibration needs a model with one float32 input");
            }
            List<TensorInfo> activations = new ArrayList<>();
            // the interpreter appends kernels' scratch tensors after the model's own
            int modelTensors = Model.getRootAsModel(ByteBuffer.wrap(float32Model).order(ByteOrder.LITTLE_ENDIAN))
                    .subgraphs(0).tensorsLength();
            for (int i = 0; i < modelTensors; i++) {
                TensorInfo t = model.tensor(i);
                if (t.type() == TensorInfo.FLOAT32 && !model.isConstant(i)) {
                    activations.add(t);
                }
            }
            for (float[] input : inputs) {
                model.writeInput(0, input, 0, input.length);
                model.invoke();
                for (TensorInfo t : activations) {
                    int[] shape = t.shape();
                    int channels = shape.length == 0 ? 1 : shape[shape.length - 1];
                    ranges.observe(t.name(), model.readFloats(t.index()), channels);
                }
                ranges.countSample();
            }
        }
        if (ranges.sampleCount() == 0) {
            throw new IllegalArgumentException("calibration needs at least one input");
        }
        return ranges;
    }
}
