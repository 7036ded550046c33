package io.facestream.model.checkpoint;

import io.facestream.model.graph.Shape;

import java.util.Arrays;

/**
 * A named checkpoint tensor's value: float32 data in row-major (C) order. The array is kept as given, not copied,
 * since weights can be hundreds of megabytes. Equality is bit-exact (0.0 and -0.0 differ).
 */
public record FloatTensor(Shape shape, float[] data) {

    public FloatTensor {
        if (shape == null || data == null) {
            throw new IllegalArgumentException("a tensor needs a shape and data");
        }
        if (shape.elementCount() != data.length) {
            throw new IllegalArgumentException("shape " + shape + " holds " + shape.elementCount()
                    + " values, the data has " + data.length);
        }
    }

    public static FloatTensor of(Shape shape, float... data) {
        return new FloatTensor(shape, data);
    }

    /** A tensor of zeros. */
    public static FloatTensor zeros(Shape shape) {
        return new FloatTensor(shape, new float[Math.toIntExact(shape.elementCount())]);
    }

    /** Index of the first NaN or infinite value, or -1. */
    public int firstNonFinite() {
        for (int i = 0; i < data.length; i++) {
            if (!Float.isFinite(data[i])) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FloatTensor other && shape.equals(other.shape) && Arrays.equals(data, other.data);
    }

    @Override
    public int hashCode() {
        return 31 * shape.hashCode() + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "FloatTensor" + shape;
    }
}
