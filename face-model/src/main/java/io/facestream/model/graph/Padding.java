package io.facestream.model.graph;

/** Keras padding modes. SAME pads so that out = ceil(in / stride), putting the extra pixel at the bottom/right. */
public enum Padding {
    SAME, VALID;

    public int outputSize(int in, int kernel, int stride) {
        if (this == VALID && in < kernel) { // (in - kernel) / stride would truncate towards zero and hide this
            throw new IllegalArgumentException("input " + in + " too small for kernel " + kernel + " (VALID)");
        }
        int out = this == SAME ? (in + stride - 1) / stride : (in - kernel) / stride + 1;
        if (out <= 0) {
            throw new IllegalArgumentException("input " + in + " too small for kernel " + kernel + " stride " + stride);
        }
        return out;
    }

    /** Total padding SAME adds along one axis (TensorFlow's rule); the smaller half goes first. */
    public int totalPadding(int in, int kernel, int stride) {
        if (this == VALID) {
            return 0;
        }
        int out = outputSize(in, kernel, stride);
        return Math.max((out - 1) * stride + kernel - in, 0);
    }
}
