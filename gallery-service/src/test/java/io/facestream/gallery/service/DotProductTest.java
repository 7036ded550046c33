package io.facestream.gallery.service;

import io.facestream.gallery.domain.ThresholdPolicy;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The SIMD dot product (surefire starts the JVM with --add-modules jdk.incubator.vector) against the plain loop. */
class DotProductTest {

    static float[] randomUnitRows(Random random, int rows, int dim) {
        float[] m = new float[rows * dim];
        for (int r = 0; r < rows; r++) {
            double norm = 0;
            for (int d = 0; d < dim; d++) {
                float v = (float) random.nextGaussian();
                m[r * dim + d] = v;
                norm += (double) v * v;
            }
            for (int d = 0; d < dim; d++) {
                m[r * dim + d] /= (float) Math.sqrt(norm);
            }
        }
        return m;
    }

    @Test
    void simd_is_what_the_test_jvm_uses() {
        assumeTrue(DotProduct.simdAvailable(), "jdk.incubator.vector is not in this JVM's boot layer");
        assertTrue(DotProduct.best().name().startsWith("SIMD"), DotProduct.best().name());
    }

    @Test
    void simd_and_plain_dot_products_agree_at_every_length_and_offset() {
        assumeTrue(DotProduct.simdAvailable(), "jdk.incubator.vector is not in this JVM's boot layer");
        DotProduct simd = DotProduct.simd();
        DotProduct plain = DotProduct.scalar();
        Random random = new Random(1);
        float[] a = new float[2000];
        float[] b = new float[2000];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) random.nextGaussian();
            b[i] = (float) random.nextGaussian();
        }
        // lengths below, at and between the vector widths, and offsets that are not multiples of them
        for (int length : new int[]{0, 1, 7, 8, 15, 16, 17, 31, 32, 33, 100, 128, 511, 512, 513, 1000}) {
            for (int offset : new int[]{0, 3, 17, 512}) {
                double exact = 0;
                for (int i = 0; i < length; i++) {
                    exact += (double) a[offset + i] * b[i + 5];
                }
                float s = simd.dot(a, offset, b, 5, length);
                float p = plain.dot(a, offset, b, 5, length);
                double tolerance = 1e-5 * Math.max(1, Math.sqrt(length));
                assertEquals(exact, s, tolerance, "simd, length " + length + " offset " + offset);
                assertEquals(exact, p, tolerance, "plain, length " + length + " offset " + offset);
            }
        }
    }

    @Test
    void simd_and_plain_galleries_identify_alike() {
        assumeTrue(DotProduct.simdAvailable(), "jdk.incubator.vector is not in this JVM's boot layer");
        int rows = 3000;
        int dim = 512;
        Random random = new Random(2);
        float[] matrix = randomUnitRows(random, rows, dim);
        String[] persons = new String[rows];
        long[] counts = new long[rows];
        for (int i = 0; i < rows; i++) {
            persons[i] = "p" + i;
            counts[i] = 1;
        }
        ThresholdPolicy policy = new ThresholdPolicy(ThresholdPolicy.Mode.CALIBRATED, 0.4, 1e-3, 50, Map.of());
        VersionGallery simd = VersionGallery.of("v", 0, persons, counts, matrix, dim, policy, DotProduct.simd());
        VersionGallery plain = VersionGallery.of("v", 0, persons, counts, matrix, dim, policy, DotProduct.scalar());
        assertEquals(plain.threshold().value(), simd.threshold().value(), 1e-5, "calibrated from the same pairs");

        float[] probes = randomUnitRows(random, 200, dim);
        for (int q = 0; q < 200; q++) {
            float[] probe = new float[dim];
            int target = random.nextInt(rows);
            for (int d = 0; d < dim; d++) { // a noisy view of one enrolled person
                probe[d] = matrix[target * dim + d] + 0.05f * probes[q * dim + d];
            }
            VersionGallery.Top2 s = simd.best2(probe);
            VersionGallery.Top2 p = plain.best2(probe);
            assertEquals(target, s.best());
            assertEquals(p.best(), s.best());
            assertEquals(p.second(), s.second());
            assertEquals(p.bestScore(), s.bestScore(), 1e-5);
            assertEquals(p.secondScore(), s.secondScore(), 1e-5);
        }
    }
}
