package io.facestream.gallery.service;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

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

    @Test
    void small_galleries_use_every_pair_and_large_ones_a_repeatable_sample() {
        Random random = new Random(4);
        float[] small = DotProductTest.randomUnitRows(random, 10, 16);
        float[] all = Calibration.impostorScores(small, 10, 16, DotProduct.scalar(), 1);
        assertEquals(45, all.length);
        assertEquals(DotProduct.scalar().dot(small, 2 * 16, small, 7 * 16, 16), all[9 + 8 + 4], 0f,
                "pairs in row order: (0,1..9), (1,2..9), then (2,7) is the 22nd");

        int rows = 800; // 319,600 pairs: above the cap
        float[] large = DotProductTest.randomUnitRows(random, rows, 8);
        float[] sample = Calibration.impostorScores(large, rows, 8, DotProduct.scalar(), 42);
        assertEquals(Calibration.MAX_IMPOSTOR_SCORES, sample.length);
        assertArrayEquals(sample, Calibration.impostorScores(large, rows, 8, DotProduct.scalar(), 42),
                "the same gallery gets the same sample");
        for (float s : sample) {
            assertEquals(true, s < 0.9999f, "never a row with itself");
        }
    }
}
