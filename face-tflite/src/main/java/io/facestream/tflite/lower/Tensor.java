package io.facestream.tflite.lower;

import java.util.Arrays;

/**
 * One tensor of a {@link TfliteProgram}. Shapes include the batch dimension. Constant data is held in one of three
 * forms: floats (FLOAT32), ints (INT32) or bytes already encoded little-endian in the element type (INT8, UINT8,
 * FLOAT16); activations hold none.
 */
public final class Tensor {

    private final int index;
    private final String name;
    private final ElementType type;
    private final int[] shape;
    private final TensorRole role;
    private final Quantization quantization;
    private final float[] floats;
    private final int[] ints;
    private final byte[] bytes;

    Tensor(int index, String name, ElementType type, int[] shape, TensorRole role, Quantization quantization,
           float[] floats, int[] ints, byte[] bytes) {
        this.index = index;
        this.name = name;
        this.type = type;
        this.shape = shape.clone();
        this.role = role;
        this.quantization = quantization;
        this.floats = floats;
        this.ints = ints;
        this.bytes = bytes;
        long expected = elementCount();
        long actual = floats != null ? floats.length : ints != null ? ints.length
                : bytes != null ? bytes.length / type.bytes() : expected;
        if (actual != expected) {
            throw new IllegalArgumentException("tensor " + name + " " + Arrays.toString(shape) + " holds "
                    + expected + " elements, its data " + actual);
        }
        if (type.quantized() && role == TensorRole.ACTIVATION && quantization == null) {
            throw new IllegalArgumentException("quantized activation " + name + " needs quantization parameters");
        }
    }

    public int index() {
        return index;
    }

    public String name() {
        return name;
    }

    public ElementType type() {
        return type;
    }

    public int[] shape() {
        return shape.clone();
    }

    public int rank() {
        return shape.length;
    }

    public int dim(int i) {
        return shape[i];
    }

    /** The last dimension: channels of a feature map, units of a vector. */
    public int channels() {
        return shape[shape.length - 1];
    }

    public long elementCount() {
        long n = 1;
        for (int d : shape) {
            n *= d;
        }
        return n;
    }

    public TensorRole role() {
        return role;
    }

    public Quantization quantization() {
        return quantization;
    }

    public boolean isConstant() {
        return floats != null || ints != null || bytes != null;
    }

    /** FLOAT32 constant data (not copied: do not modify). */
    public float[] floats() {
        if (floats == null) {
            throw new IllegalStateException(name + " holds no float data");
        }
        return floats;
    }

    /** INT32 constant data (not copied). */
    public int[] ints() {
        if (ints == null) {
            throw new IllegalStateException(name + " holds no int32 data");
        }
        return ints;
    }

    /** Encoded constant data of INT8, UINT8 and FLOAT16 tensors (not copied). */
    public byte[] bytes() {
        if (bytes == null) {
            throw new IllegalStateException(name + " holds no encoded data");
        }
        return bytes;
    }

    /** Size of the constant data in the file, 0 for activations. */
    public long dataBytes() {
        return isConstant() ? elementCount() * type.bytes() : 0;
    }

    @Override
    public String toString() {
        return name + " " + type + Arrays.toString(shape) + (quantization != null ? " " + quantization : "");
    }
}
