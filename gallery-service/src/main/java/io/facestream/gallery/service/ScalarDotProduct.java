package io.facestream.gallery.service;

/** The plain loop: the fallback without jdk.incubator.vector, and the reference the SIMD one is tested against. */
final class ScalarDotProduct implements DotProduct {

    static final ScalarDotProduct INSTANCE = new ScalarDotProduct();

    private ScalarDotProduct() {
    }

    @Override
    public float dot(float[] a, int aOffset, float[] b, int bOffset, int length) {
        float s = 0;
        for (int i = 0; i < length; i++) {
            s += a[aOffset + i] * b[bOffset + i];
        }
        return s;
    }

    @Override
    public String name() {
        return "plain loop";
    }
}
