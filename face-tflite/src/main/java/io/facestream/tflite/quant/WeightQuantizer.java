package io.facestream.tflite.quant;

import io.facestream.tflite.lower.Quantization;

/** Encodes float constants as int8 (symmetric, per channel or per tensor), int32 biases and float16. */
public final class WeightQuantizer {

    /** Scale for an all-zero channel: any positive value works, every quantized value is 0. */
    private static final float ZERO_CHANNEL_SCALE = 1e-8f;

    private WeightQuantizer() {
    }

    /** int8 data with its quantization parameters. */
    public record Int8(byte[] data, Quantization quantization) {
    }

    /**
     * Symmetric int8 per channel of axis (zero points 0, values in [-127, 127]): TFLite's rule for CONV_2D
     * (axis 0 of [O, H, W, I]), DEPTHWISE_CONV_2D (axis 3 of [1, H, W, O]) and FULLY_CONNECTED (axis 0 of [O, I]).
     */
    public static Int8 perChannel(float[] w, int[] shape, int axis) {
        int channels = shape[axis];
        int inner = 1;
        for (int d = axis + 1; d < shape.length; d++) {
            inner *= shape[d];
        }
        float[] maxAbs = new float[channels];
        for (int i = 0; i < w.length; i++) {
            int c = (i / inner) % channels;
            maxAbs[c] = Math.max(maxAbs[c], Math.abs(w[i]));
        }
        float[] scales = new float[channels];
        for (int c = 0; c < channels; c++) {
            scales[c] = maxAbs[c] > 0 ? maxAbs[c] / 127f : ZERO_CHANNEL_SCALE;
        }
        byte[] q = new byte[w.length];
        for (int i = 0; i < w.length; i++) {
            q[i] = toInt8(w[i] / scales[(i / inner) % channels]);
        }
        return new Int8(q, Quantization.perChannel(scales, axis));
    }

    /** Symmetric int8 with one scale for the whole tensor. */
    public static Int8 perTensor(float[] w) {
        float maxAbs = 0;
        for (float v : w) {
            maxAbs = Math.max(maxAbs, Math.abs(v));
        }
        float scale = maxAbs > 0 ? maxAbs / 127f : ZERO_CHANNEL_SCALE;
        byte[] q = new byte[w.length];
        for (int i = 0; i < w.length; i++) {
            q[i] = toInt8(w[i] / scale);
        }
        return new Int8(q, Quantization.perTensor(scale, 0));
    }

    private static byte toInt8(float scaled) {
        return (byte) Math.max(-127, Math.min(127, Math.round(scaled)));
    }

    /**
     * An int32 bias for an int8 operator: scale input_scale * weight_scale[c] per channel, zero point 0. TFLite
     * never checks this scale (it recomputes it), so a wrong one silently gives wrong numbers.
     */
    public static int[] int32Bias(float[] bias, float inputScale, float[] weightScales) {
        int[] q = new int[bias.length];
        for (int c = 0; c < bias.length; c++) {
            double scale = (double) inputScale * weightScales[weightScales.length == 1 ? 0 : c];
            double v = Math.rint(bias[c] / scale);
            q[c] = (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, v));
        }
        return q;
    }

    /** The bias scales int32Bias uses, as quantization parameters. */
    public static Quantization biasQuantization(float inputScale, float[] weightScales, int channels) {
        float[] scales = new float[channels];
        for (int c = 0; c < channels; c++) {
            scales[c] = inputScale * weightScales[weightScales.length == 1 ? 0 : c];
        }
        return Quantization.perChannel(scales, 0);
    }

    /** IEEE 754 half precision, little-endian, rounded to nearest even. */
    public static byte[] float16(float[] w) {
        byte[] out = new byte[w.length * 2];
        for (int i = 0; i < w.length; i++) {
            short h = toHalf(w[i]);
            out[2 * i] = (byte) h;
            out[2 * i + 1] = (byte) (h >> 8);
        }
        return out;
    }

    /** Float to half precision bits (Java 17 has no Float.floatToFloat16). */
    public static short toHalf(float f) {
        int bits = Float.floatToRawIntBits(f);
        int sign = (bits >>> 16) & 0x8000;
        int exponent = (bits >>> 23) & 0xff;
        int mantissa = bits & 0x7fffff;
        if (exponent == 0xff) { // infinity or NaN
            return (short) (sign | 0x7c00 | (mantissa != 0 ? 0x200 : 0));
        }
        int e = exponent - 127 + 15;
        if (e >= 0x1f) {
            return (short) (sign | 0x7c00); // too large: infinity
        }
        if (e <= 0) { // subnormal half (or zero)
            if (e < -10) {
                return (short) sign;
            }
            int m = mantissa | 0x800000;
            int shift = 14 - e;
            return (short) (sign | roundShift(m, shift));
        }
        // a carry out of the mantissa correctly bumps the exponent (up to infinity)
        return (short) (sign | roundShift((e << 23) | mantissa, 13));
    }

    /** value >> shift, rounded to nearest, ties to even. */
    private static int roundShift(int value, int shift) {
        int result = value >>> shift;
        int remainder = value & ((1 << shift) - 1);
        int half = 1 << (shift - 1);
        if (remainder > half || (remainder == half && (result & 1) != 0)) {
            result++;
        }
        return result;
    }

    /** Half precision bits back to float (for checks). */
    public static float fromHalf(short h) {
        int sign = (h & 0x8000) << 16;
        int exponent = (h >>> 10) & 0x1f;
        int mantissa = h & 0x3ff;
        if (exponent == 0x1f) {
            return Float.intBitsToFloat(sign | 0x7f800000 | (mantissa << 13));
        }
        if (exponent == 0) {
            float v = mantissa * 0x1p-24f;
            return sign != 0 ? -v : v;
        }
        return Float.intBitsToFloat(sign | ((exponent - 15 + 127) << 23) | (mantissa << 13));
    }
}
