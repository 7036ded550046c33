package io.facestream.tflite;

import io.facestream.tflite.lower.ElementType;
import io.facestream.tflite.lower.FlatBufferWriter;
import io.facestream.tflite.lower.Op;
import io.facestream.tflite.lower.Tensor;
import io.facestream.tflite.lower.TfliteProgram;
import io.facestream.tflite.runtime.TensorInfo;
import io.facestream.tflite.runtime.TfliteModel;
import io.facestream.tflite.runtime.TfliteOptions;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks an int8 model operator by operator: every int8 operator's output (dequantized) against the float operator
 * applied to that operator's own int8 inputs (dequantized), each float operator run alone in TFLite. Errors do not
 * accumulate here, so the check is sharp: an operator with a wrong bias scale, zero point, channel axis or fixed
 * output parameters is off by many quantization steps, where a correct one is off by about one (plus the weights'
 * rounding). Float results beyond the int8 output's representable range are clamped to it first: saturation is
 * int8's defined behaviour, not an error of the operator. Both models run on the builtin kernels.
 */
public final class Int8OpCheck {

    private Int8OpCheck() {
    }

    /**
     * One operator's error: RMS and maximum of |int8 - float| in output quantization steps, and the RMS relative
     * to the float output's RMS.
     */
    public record OpError(String output, String opcode, double rmsSteps, double maxSteps, double relative) {
        @Override
        public String toString() {
            return String.format("%s %s: rms %.2f steps, max %.1f steps, relative %.4f", opcode, output, rmsSteps,
                    maxSteps, relative);
        }
    }

    public static List<OpError> check(TfliteProgram floatProgram, byte[] int8Model, float[] input) {
        Map<String, float[]> values = new HashMap<>();
        Map<String, TensorInfo> quantized = new HashMap<>();
        try (TfliteModel q = TfliteModel.load(int8Model, TfliteOptions.inspectAllTensors(1))) {
            q.writeInput(0, input, 0, input.length);
            q.invoke();
            for (int i = 0; i < q.tensorCount(); i++) {
                TensorInfo t = q.tensor(i);
                if (t.name().isEmpty() || q.isConstant(i)) {
                    continue;
                }
                if (t.type() == TensorInfo.INT8) {
                    byte[] raw = q.readBytes(i);
                    float[] v = new float[raw.length];
                    for (int k = 0; k < v.length; k++) {
                        v[k] = (raw[k] - t.zeroPoint()) * t.scale();
                    }
                    values.put(t.name(), v);
                    quantized.put(t.name(), t);
                } else if (t.type() == TensorInfo.FLOAT32) {
                    values.put(t.name(), q.readFloats(i));
                }
            }
        }
        String inputName = floatProgram.tensor(floatProgram.inputs().get(0)).name();
        values.put(inputName, values.get(inputName + "/int8"));

        List<OpError> errors = new ArrayList<>();
        for (Op op : floatProgram.ops()) {
            Tensor out = floatProgram.tensor(op.output());
            TensorInfo q = quantized.get(out.name());
            if (q == null) {
                continue; // computed in float in the int8 model too
            }
            float scale = q.scale();
            float lowest = (-128 - q.zeroPoint()) * scale;
            float highest = (127 - q.zeroPoint()) * scale;
            float[] expected = runAlone(floatProgram, op, values);
            for (int k = 0; k < expected.length; k++) {
                expected[k] = Math.max(lowest, Math.min(highest, expected[k]));
            }
            float[] actual = values.get(out.name());
            double sq = 0;
            double max = 0;
            double ref = 0;
            for (int k = 0; k < expected.length; k++) {
                double d = Math.abs(actual[k] - expected[k]);
                sq += d * d;
                max = Math.max(max, d);
                ref += (double) expected[k] * expected[k];
            }
            errors.add(new OpError(out.name(), op.opcode().name(), Math.sqrt(sq / expected.length) / scale,
                    max / scale, Math.sqrt(sq / Math.max(ref, 1e-30))));
        }
        return errors;
    }

    /** The float operator alone, its activation inputs fed with the given values. */
    private static float[] runAlone(TfliteProgram program, Op op, Map<String, float[]> values) {
        TfliteProgram single = new TfliteProgram("single " + op.opcode());
        int[] ins = new int[op.inputs().length];
        List<float[]> feeds = new ArrayList<>();
        for (int k = 0; k < ins.length; k++) {
            Tensor t = program.tensor(op.input(k));
            if (t.isConstant()) {
                ins[k] = single.indexOf(t.name()) >= 0 ? single.indexOf(t.name()) : single.copyConstant(t);
            } else if (single.indexOf(t.name()) >= 0) {
                ins[k] = single.indexOf(t.name());
            } else {
                ins[k] = single.addActivation(t.name(), ElementType.FLOAT32, t.shape(), null);
                single.addInput(ins[k]);
                float[] v = values.get(t.name());
                if (v == null) {
                    throw new IllegalStateException("no int8 value for " + t.name());
                }
                feeds.add(v);
            }
        }
        Tensor out = program.tensor(op.output());
        int o = single.addActivation(out.name(), ElementType.FLOAT32, out.shape(), null);
        single.addOp(op.opcode(), ins, new int[] {o}, op.options());
        single.addOutput(o);
        try (TfliteModel m = TfliteModel.load(FlatBufferWriter.write(single), TfliteOptions.inspectAllTensors(1))) {
            for (int k = 0; k < feeds.size(); k++) {
                m.writeInput(k, feeds.get(k), 0, feeds.get(k).length);
            }
            m.invoke();
            return m.readFloats(m.output(0).index());
        }
    }
}
