package io.facestream.gallery.service;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The open-set threshold of one model version, calibrated from its own enrolled people.
 * <p>
 * A stranger is falsely accepted when their BEST score over the whole gallery reaches the threshold, so the
 * impostor scores are best scores too: each enrolled person's centroid stands in for a stranger and is scored
 * against every other centroid (leave-one-out), and its highest score is one impostor score. The threshold is the
 * lowest value that at most {@code targetFar} of them reach, so about that share of strangers would be accepted as
 * someone. (Pairwise centroid scores would calibrate a single comparison instead: with n people a stranger gets n
 * chances, and a threshold at pairwise FAR 1e-3 let about half of lfw112's never-enrolled people through.)
 * <p>
 * A centroid stands for a probe only approximately: write a probe of A as {@code p = cos(t) c_A + sin(t) e}, with t
 * the angle to A's own centroid and e a unit direction orthogonal to it; then {@code p . c_B = cos(t) (c_A . c_B) +
 * sin(t) (e . c_B)}. The shrinking by cos(t) pulls the tail down, the noise term widens it; the approximation is
 * close when people's images cluster tightly compared with the spread between people, and it degrades for loosely
 * clustered galleries. Where that matters, measure a threshold on labelled probes and set
 * gallery.threshold-mode=fixed.
 * <p>
 * n people cost n(n-1) dot products; above {@link #MAX_DOT_PRODUCTS} a fixed-seed sample of people is scored against
 * the whole gallery, so the cost is bounded and the same gallery always gets the same threshold.
 */
public final class Calibration {

    /** Bounds the work of one calibration at any gallery size (the cost of a few hundred probes). */
    static final long MAX_DOT_PRODUCTS = 250_000;

    private Calibration() {
    }

    /**
     * For each row (every row, or a seeded sample of distinct rows when all would exceed {@link #MAX_DOT_PRODUCTS}),
     * its highest score against every OTHER row of a row-major matrix.
     */
    public static float[] bestImpostorScores(float[] matrix, int rows, int dim, DotProduct dot, long seed) {
        if (rows < 2) {
            return new float[0];
        }
        int sampled = (int) Math.min(rows, Math.max(1, MAX_DOT_PRODUCTS / (rows - 1)));
        int[] order = new int[rows];
        for (int i = 0; i < rows; i++) {
            order[i] = i;
        }
        if (sampled < rows) {
            // a partial Fisher-Yates shuffle: the first `sampled` entries are a uniform sample without repeats
            SplittableRandom random = new SplittableRandom(seed);
            for (int i = 0; i < sampled; i++) {
                int j = i + random.nextInt(rows - i);
                int swap = order[i];
                order[i] = order[j];
                order[j] = swap;
            }
        }
        float[] best = new float[sampled];
        for (int k = 0; k < sampled; k++) {
            int i = order[k];
            float max = Float.NEGATIVE_INFINITY;
            for (int j = 0; j < rows; j++) {
                if (j != i) {
                    max = Math.max(max, dot.dot(matrix, i * dim, matrix, j * dim, dim));
                }
            }
            best[k] = max;
        }
        return best;
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
