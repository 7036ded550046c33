package io.facestream.model.eval;

/**
 * Receiver operating characteristic of a set of scored pairs: point i is the (FAR, TAR) of calling "same" every
 * pair whose score is at least thresholds[i]. Points run from (0, 0) (threshold +infinity) to (1, 1), one per
 * distinct score, so ties make one diagonal step.
 */
public record RocCurve(double[] far, double[] tar, double[] thresholds) {

    public RocCurve {
        if (far.length != tar.length || far.length != thresholds.length || far.length < 2) {
            throw new IllegalArgumentException("a ROC curve needs at least two points and equal-length arrays");
        }
    }

    public int size() {
        return far.length;
    }

    /**
     * Area under the curve by the trapezoid rule, which over these points equals the probability that a random
     * matched pair scores above a random mismatched pair, ties counting one half.
     */
    public double auc() {
        double area = 0;
        for (int i = 1; i < far.length; i++) {
            area += (far[i] - far[i - 1]) * (tar[i] + tar[i - 1]) / 2;
        }
        return area;
    }
}
