package io.facestream.gallery.domain;

/** Plain float vector arithmetic for the gallery. */
public final class VectorMath {
    private VectorMath() {
    }

    /** a / ||a||; a zero vector stays zero (it matches nothing rather than dividing by zero). */
    public static float[] normalized(float[] a) {
        double norm = 0;
        for (float v : a) {
            norm += (double) v * v;
        }
        norm = Math.sqrt(norm);
        float[] out = new float[a.length];
        if (norm == 0) {
            return out;
        }
        for (int i = 0; i < a.length; i++) {
            out[i] = (float) (a[i] / norm);
        }
        return out;
    }
}
