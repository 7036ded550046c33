package io.facestream.events.serde;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** The wire form of every vector payload: little-endian float32, nothing else (the dimension is in the metadata). */
public final class Float32Vectors {

    private Float32Vectors() {
    }

    public static byte[] encode(float[] vector) {
        ByteBuffer buf = ByteBuffer.allocate(vector.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        buf.asFloatBuffer().put(vector);
        return buf.array();
    }

    /** Decodes a payload that must hold exactly {@code dimension} floats; {@code what} names it in the error. */
    public static float[] decode(byte[] payload, int dimension, String what) {
        if (payload.length != dimension * Float.BYTES) {
            throw new IllegalArgumentException(what + " payload has " + payload.length + " bytes, dimension "
                    + dimension + " needs " + dimension * Float.BYTES);
        }
        float[] v = new float[dimension];
        ByteBuffer.wrap(payload).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(v);
        return v;
    }
}
