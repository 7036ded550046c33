package io.facestream.gallery.service;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Dot products with the Vector API (the widest species this CPU has). Only {@link DotProduct#simd()} loads this
 * class, and only when jdk.incubator.vector is in the boot layer.
 */
final class SimdDotProduct implements DotProduct {

    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final int LANES = SPECIES.length();

    @Override
    public float dot(float[] a, int aOffset, float[] b, int bOffset, int length) {
        // two independent accumulators keep two FMA chains in flight (one chain waits on its own latency)
        FloatVector acc0 = FloatVector.zero(SPECIES);
        FloatVector acc1 = FloatVector.zero(SPECIES);
        int i = 0;
        int pairBound = length - 2 * LANES + 1;
        for (; i < pairBound; i += 2 * LANES) {
            acc0 = FloatVector.fromArray(SPECIES, a, aOffset + i)
                    .fma(FloatVector.fromArray(SPECIES, b, bOffset + i), acc0);
            acc1 = FloatVector.fromArray(SPECIES, a, aOffset + i + LANES)
                    .fma(FloatVector.fromArray(SPECIES, b, bOffset + i + LANES), acc1);
        }
        for (; i < SPECIES.loopBound(length); i += LANES) {
            acc0 = FloatVector.fromArray(SPECIES, a, aOffset + i)
                    .fma(FloatVector.fromArray(SPECIES, b, bOffset + i), acc0);
        }
        float s = acc0.add(acc1).reduceLanes(VectorOperators.ADD);
        for (; i < length; i++) {
            s += a[aOffset + i] * b[bOffset + i];
        }
        return s;
    }

    @Override
    public String name() {
        return "SIMD (jdk.incubator.vector, " + SPECIES.vectorBitSize() + "-bit)";
    }
}
