package io.facestream.tflite.quant;

import io.facestream.tflite.lower.ElementType;
import io.facestream.tflite.lower.OpOptions;
import io.facestream.tflite.lower.Opcode;
import io.facestream.tflite.lower.Tensor;
import io.facestream.tflite.lower.TensorRole;
import io.facestream.tflite.lower.TfliteProgram;

import java.util.ArrayList;
import java.util.List;

/**
 * Float16 weights: every float constant is stored in half precision and a DEQUANTIZE at the start of the model
 * turns it back into float32 (TFLite's float16 quantization; XNNPACK reads such weights directly). Activations and
 * arithmetic stay float32; the file is about half the size.
 */
public final class Float16Conversion {

    private Float16Conversion() {
    }

    public static TfliteProgram convert(TfliteProgram floatProgram) {
        TfliteProgram target = new TfliteProgram(floatProgram.description() + " (float16 weights)");
        int[] mapped = new int[floatProgram.tensors().size()];
        List<int[]> dequantize = new ArrayList<>();
        for (Tensor t : floatProgram.tensors()) {
            boolean halve = t.isConstant() && t.type() == ElementType.FLOAT32 && t.role() != TensorRole.INDEX;
            if (halve) {
                int half = target.addEncodedConstant(t.name() + "/float16", ElementType.FLOAT16, t.role(),
                        t.shape(), WeightQuantizer.float16(t.floats()), null);
                mapped[t.index()] = target.addActivation(t.name(), ElementType.FLOAT32, t.shape(), null);
                dequantize.add(new int[] {half, mapped[t.index()]});
            } else if (t.isConstant()) {
                mapped[t.index()] = target.copyConstant(t);
            } else {
                mapped[t.index()] = target.addActivation(t.name(), t.type(), t.shape(), t.quantization());
            }
        }
        for (int[] d : dequantize) {
            target.addOp(Opcode.DEQUANTIZE, new int[] {d[0]}, new int[] {d[1]}, OpOptions.NONE);
        }
        ProgramCopy.copyOps(floatProgram, target, mapped);
        return target;
    }
}
