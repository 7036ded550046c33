package io.facestream.tflite.lower;

import java.util.Arrays;

/**
 * Affine quantization parameters: real = (q - zeroPoint) * scale, one pair per tensor or, for weights, one per
 * channel along {@code axis}.
 */
public record Quantization(float[] scales, long[] zeroPoints, int axis) {

    public Quantization {
        if (scales.length == 0 || scales.length != zeroPoints.length) {
            throw new IllegalArgumentException("need as many zero points as scales (at least one)");
        }
        for (float s : scales) {
            if (!(s > 0) || !Float.isFinite(s)) {
                throw new IllegalArgumentException("quantization scales must be positive and finite: " + s);
            }
        }
        scales = scales.clone();
        zeroPoints = zeroPoints.clone();
    }

    public static Quantization perTensor(float scale, long zeroPoint) {
        return new Quantization(new float[] {scale}, new long[] {zeroPoint}, 0);
    }

    /** Symmetric per-channel parameters (zero points all 0), as TFLite requires for int8 weights and biases. */
    public static Quantization perChannel(float[] scales, int axis) {
        return new Quantization(scales, new long[scales.length], axis);
    }

    public boolean isPerChannel() {
        return scales.length > 1;
    }

    public float scale() {
        return scales[0];
    }

    public long zeroPoint() {
        return zeroPoints[0];
    }

    /** Same scale and zero point: what TFLite's pass-through int8 kernels (concatenation, pooling) require. */
    public boolean sameParams(Quantization other) {
        return other != null && Arrays.equals(scales, other.scales) && Arrays.equals(zeroPoints, other.zeroPoints);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Quantization q && sameParams(q) && axis == q.axis;
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(scales) + Arrays.hashCode(zeroPoints) + axis;
    }

    @Override
    public String toString() {
        return isPerChannel()
                ? "per-channel(" + scales.length + " scales, axis " + axis + ")"
                : "scale=" + scales[0] + " zero_point=" + zeroPoints[0];
    }
}
