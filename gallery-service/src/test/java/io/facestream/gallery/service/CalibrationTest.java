package io.facestream.gallery.service;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CalibrationTest {

    static long reaching(float[] scores, double threshold) {
        long n = 0;
        for (float s : scores) {
            if (s >= threshold) {
                n++;
            }
        }
        return n;
    }

    @Test
    void the_threshold_lets_through_at_most_the_target_share_of_impostors() {
        float[] scores = new float[1000];
        Random random = new Random(3);
        for (int i = 0; i < scores.length; i++) {
            scores[i] = (float) (0.3 * random.nextGaussian());
        }
        for (double far : new double[]{1e-3, 1e-2, 0.05, 0.5}) {
            double t = Calibration.thresholdAt(scores, far);
            long allowed = (long) Math.floor(far * scores.length);
            assertEquals(allowed, reaching(scores, t), "FAR " + far + ": exactly the allowed count reaches it");
            assertEquals(allowed + 1, reaching(scores, Math.nextDown((float) t)), "and it is the lowest such value");
        }
        assertEquals(Math.nextUp(0.75f), Calibration.thresholdAt(new float[]{0.1f, 0.75f, -0.2f}, 1e-3),
                "fewer scores than 1/FAR: just above the highest");
        assertThrows(IllegalArgumentException.class, () -> Calibration.thresholdAt(new float[0], 0.1));
    }

    /** Each row's highest score against every other row: the oracle. */
    static float bestAgainstOthers(float[] matrix, int rows, int dim, int row) {
        float max = Float.NEGATIVE_INFINITY;
        for (int j = 0; j < rows; j++) {
            if (j != row) {
                max = Math.max(max, DotProduct.scalar().dot(matrix, row * dim, matrix, j * dim, dim));
            }
        }
        return max;
    }

    @Test
    void each_persons_impostor_score_is_their_best_score_against_everyone_else() {
        Random random = new Random(4);
        float[] small = DotProductTest.randomUnitRows(random, 10, 16);
        float[] all = Calibration.bestImpostorScores(small, 10, 16, DotProduct.scalar(), 1);
        assertEquals(10, all.length, "every person of a small gallery, once");
        for (int i = 0; i < 10; i++) {
            assertEquals(bestAgainstOthers(small, 10, 16, i), all[i], 0f, "row " + i);
        }
        assertEquals(0, Calibration.bestImpostorScores(new float[16], 1, 16, DotProduct.scalar(), 1).length,
                "one person has no impostor");
    }

    @Test
    void large_galleries_score_a_repeatable_sample_of_people_against_everyone() {
        Random random = new Random(5);
        int rows = 800; // 639,200 dot products for all: above the cap
        float[] large = DotProductTest.randomUnitRows(random, rows, 8);
        float[] sample = Calibration.bestImpostorScores(large, rows, 8, DotProduct.scalar(), 42);
        assertEquals(Calibration.MAX_DOT_PRODUCTS / (rows - 1), sample.length);
        assertArrayEquals(sample, Calibration.bestImpostorScores(large, rows, 8, DotProduct.scalar(), 42),
                "the same gallery gets the same sample");
        Set<Float> everyRowsBest = new HashSet<>();
        for (int i = 0; i < rows; i++) {
            everyRowsBest.add(bestAgainstOthers(large, rows, 8, i));
        }
        for (float s : sample) {
            assertTrue(everyRowsBest.contains(s), s + " is some person's best score against the others");
            assertTrue(s < 0.9999f, "never a row with itself");
        }
    }
}
