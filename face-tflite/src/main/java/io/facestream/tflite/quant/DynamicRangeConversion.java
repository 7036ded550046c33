package io.facestream.tflite.quant;

import io.facestream.tflite.lower.ElementType;
import io.facestream.tflite.lower.Op;
import io.facestream.tflite.lower.Opcode;
import io.facestream.tflite.lower.Tensor;
import io.facestream.tflite.lower.TensorRole;
import io.facestream.tflite.lower.TfliteProgram;

import java.util.HashMap;
import java.util.Map;

/**
 * Dynamic-range quantization: convolution and fully connected weights become int8, everything else stays float;
 * TFLite's hybrid kernels quantize activations on the fly. Convolution weights are per channel (hybrid CONV_2D
 * version 5, DEPTHWISE_CONV_2D version 6), fully connected weights per tensor (version 3), as TFLite's own
 * converter writes them. No calibration is needed; the file is about a quarter of the float32 size.
 */
public final class DynamicRangeConversion {

    private DynamicRangeConversion() {
    }

    public static TfliteProgram convert(TfliteProgram floatProgram) {
        Map<Integer, Opcode> filterOf = new HashMap<>();
        for (Op op : floatProgram.ops()) {
            for (int in : op.inputs()) {
                if (floatProgram.tensor(in).role() == TensorRole.FILTER) {
                    filterOf.put(in, op.opcode());
                }
            }
        }
        TfliteProgram target = new TfliteProgram(floatProgram.description() + " (dynamic-range int8 weights)");
        int[] mapped = new int[floatProgram.tensors().size()];
        for (Tensor t : floatProgram.tensors()) {
            Opcode user = filterOf.get(t.index());
            if (user != null && t.type() == ElementType.FLOAT32) {
                WeightQuantizer.Int8 q = switch (user) {
                    case CONV_2D -> WeightQuantizer.perChannel(t.floats(), t.shape(), 0);
                    case DEPTHWISE_CONV_2D -> WeightQuantizer.perChannel(t.floats(), t.shape(), 3);
                    default -> WeightQuantizer.perTensor(t.floats());
                };
                mapped[t.index()] = target.addEncodedConstant(t.name(), ElementType.INT8, t.role(), t.shape(),
                        q.data(), q.quantization());
            } else if (t.isConstant()) {
                mapped[t.index()] = target.copyConstant(t);
            } else {
                mapped[t.index()] = target.addActivation(t.name(), t.type(), t.shape(), t.quantization());
            }
        }
        ProgramCopy.copyOps(floatProgram, target, mapped);
        return target;
    }
}
