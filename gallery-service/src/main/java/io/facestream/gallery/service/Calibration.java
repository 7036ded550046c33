package io.facestream.gallery.service;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The open-set threshold of one model version, calibrated from its own enrolled people.
 * <p>
 * Impostor scores are the cosine similarities between the centroids of different enrolled people; the threshold
 * is the lowest value that at most {@code targetFar} of them reach. These stand in for what the threshold must
 * actually reject: a single probe of person A scored against the centroid of another person B. Write the probe as
 * {@code p = cos(t) c_A + sin(t) e}, with t the angle to A's own centroid and e a unit direction orthogonal to it;
 * then {@code p . c_B = cos(t) (c_A . c_B) + sin(t) (e . c_B)}. So the probe-vs-centroid impostor distribution is
 * the centroid-vs-centroid one shrunk by cos(t) plus the within-person noise term. The shrinking pulls the tail
 * down, the noise widens it; the approximation is close when people's images cluster tightly (t small) compared
 * with the spread between people, and it degrades for loosely clustered galleries or centroids of one or two
 * images. Where that matters, measure a threshold on labelled probes and set gallery.threshold-mode=fixed.
 * <p>
 * With n people there are n(n-1)/2 pairs; above {@link #MAX_IMPOSTOR_SCORES} a fixed-seed sample of pairs is
 * used, so the cost is bounded and the same gallery always gets the same threshold.
 */
public final class Calibration {

    /** Enough scores to place a 1e-3 quantile with about 250 scores above it; bounds the work at any size. */
    static final int MAX_IMPOSTOR_SCORES = 250_000;

    private Calibration() {
    }

    /** Impostor scores between distinct rows of a row-major matrix: every pair, or a seeded sample of pairs. */
    public static float[] impostorScores(float[] matrix, int rows, int dim, DotProduct dot, long seed) {
        long pairs = (long) rows * (rows - 1) / 2;
        if (pairs <= MAX_IMPOSTOR_SCORES) {
            float[] scores = new float[(int) pairs];
            int k = 0;
            for (int i = 0; i < rows; i++) {
                for (int j = i + 1; j < rows; j++) {
                    scores[k++] = dot.dot(matrix, i * dim, matrix, j * dim, dim);
                }
            }
            return scores;
        }
        SplittableRandom random = new SplittableRandom(seed);
        float[] scores = new float[MAX_IMPOSTOR_SCORES];
        for (int k = 0; k < scores.length; k++) {
            int i = random.nextInt(rows);
            int j = random.nextInt(rows - 1);
            if (j >= i) {
                j++; // a distinct second row, uniformly
            }
            scores[k] = dot.dot(matrix, i * dim, matrix, j * dim, dim);
        }
        return scores;
    }

    /**
     * The lowest threshold that at most {@code floor(targetFar * scores.length)} of the scores reach (a score
     * equal to the threshold is accepted, as in matching).
     */
    public static double thresholdAt(float[] scores, double targetFar) {
        if (scores.length == 0) {
            throw new IllegalArgumentException("no impostor scores to calibrate from");
        }
        float[] sorted = scores.clone();
        Arrays.sort(sorted);
        int allowed = (int) Math.floor(targetFar * sorted.length);
        // the (allowed+1)-th highest score must be rejected: the threshold lies just above it
        return Math.nextUp(sorted[sorted.length - 1 - allowed]);
    }
}
