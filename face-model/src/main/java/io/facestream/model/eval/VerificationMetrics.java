package io.facestream.model.eval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Verification figures from pair scores (higher = more alike, e.g. cosine similarity) and labels. Plain functions
 * of their arguments, so they can be checked on made-up scores.
 */
public final class VerificationMetrics {

    private VerificationMetrics() {
    }

    /**
     * Assigns pairs to folds, each kind (matched, mismatched) split separately into {@code folds} runs of
     * consecutive pairs in file order. On LFW's pairs.txt, and on the .bin files which keep its order (per fold
     * 300 matched then 300 mismatched pairs), this reproduces LFW's own ten folds exactly; on a file listing all
     * matched pairs before all mismatched ones (pairsDevTrain.txt) every fold still gets both kinds in equal share.
     */
    public static int[] stratifiedFolds(boolean[] same, int folds) {
        if (folds < 2) {
            throw new IllegalArgumentException("at least 2 folds are needed, got " + folds);
        }
        int positives = 0;
        for (boolean s : same) {
            positives += s ? 1 : 0;
        }
        int negatives = same.length - positives;
        if (positives < folds || negatives < folds) {
            throw new IllegalArgumentException(folds + " folds need at least " + folds + " matched and " + folds
                    + " mismatched pairs, got " + positives + " and " + negatives);
        }
        int[] fold = new int[same.length];
        int p = 0;
        int n = 0;
        for (int i = 0; i < same.length; i++) {
            fold[i] = same[i] ? (int) ((long) p++ * folds / positives) : (int) ((long) n++ * folds / negatives);
        }
        return fold;
    }

    /** LFW's protocol: for each fold, the best threshold on the other folds, scored on this one. */
    public static KFoldAccuracy kFold(double[] scores, boolean[] same, int folds) {
        checkInputs(scores, same);
        int[] fold = stratifiedFolds(same, folds);
        double[] accuracies = new double[folds];
        double[] thresholds = new double[folds];
        for (int k = 0; k < folds; k++) {
            boolean[] training = new boolean[scores.length];
            boolean[] test = new boolean[scores.length];
            for (int i = 0; i < scores.length; i++) {
                training[i] = fold[i] != k;
                test[i] = fold[i] == k;
            }
            thresholds[k] = bestThreshold(scores, same, training);
            accuracies[k] = accuracy(scores, same, test, thresholds[k]);
        }
        double mean = Arrays.stream(accuracies).average().orElseThrow();
        double variance = Arrays.stream(accuracies).map(a -> (a - mean) * (a - mean)).sum() / folds;
        return new KFoldAccuracy(accuracies, thresholds, mean, Math.sqrt(variance),
                Arrays.stream(thresholds).average().orElseThrow());
    }

    /**
     * The threshold that classifies the selected pairs best (same when score &gt; threshold). Every split between
     * two consecutive distinct scores is tried, plus "all same" and "all different"; a split's threshold is the
     * midpoint of the two scores around it. When several splits are equally accurate the middle one of them
     * (lower middle for an even count) is taken.
     */
    public static double bestThreshold(double[] scores, boolean[] same, boolean[] selected) {
        int[] order = IntStream.range(0, scores.length).filter(i -> selected[i]).boxed()
                .sorted(Comparator.comparingDouble(i -> scores[i])).mapToInt(Integer::intValue).toArray();
        int n = order.length;
        if (n == 0) {
            throw new IllegalArgumentException("no pairs selected");
        }
        int positives = 0;
        for (int i : order) {
            positives += same[i] ? 1 : 0;
        }
        // split s: the s lowest scores are called different, the rest same
        int bestCorrect = -1;
        List<Integer> bestSplits = new ArrayList<>();
        int negativesBelow = 0;
        int positivesBelow = 0;
        for (int s = 0; s <= n; s++) {
            if (s == 0 || s == n || scores[order[s - 1]] < scores[order[s]]) {
                int correct = negativesBelow + positives - positivesBelow;
                if (correct > bestCorrect) {
                    bestCorrect = correct;
                    bestSplits.clear();
                }
                if (correct == bestCorrect) {
                    bestSplits.add(s);
                }
            }
            if (s < n) {
                if (same[order[s]]) {
                    positivesBelow++;
                } else {
                    negativesBelow++;
                }
            }
        }
        int split = bestSplits.get((bestSplits.size() - 1) / 2);
        if (split == 0) {
            return Math.nextDown(scores[order[0]]);
        }
        double below = scores[order[split - 1]];
        if (split == n) {
            return below;
        }
        double above = scores[order[split]];
        double mid = below + (above - below) / 2;
        // rounding can land the midpoint of two adjacent doubles on the upper one, which would then count as below
        return mid < above ? mid : below;
    }

    /** Fraction of the selected pairs classified right by "same when score &gt; threshold". */
    public static double accuracy(double[] scores, boolean[] same, boolean[] selected, double threshold) {
        int total = 0;
        int correct = 0;
        for (int i = 0; i < scores.length; i++) {
            if (selected[i]) {
                total++;
                correct += (scores[i] > threshold) == same[i] ? 1 : 0;
            }
        }
        if (total == 0) {
            throw new IllegalArgumentException("no pairs selected");
        }
        return (double) correct / total;
    }

    /** TAR at a target FAR over all pairs; see {@link TarAtFar} for how the threshold is chosen. */
    public static TarAtFar tarAtFar(double[] scores, boolean[] same, double targetFar) {
        checkInputs(scores, same);
        if (!(targetFar > 0 && targetFar <= 1)) {
            throw new IllegalArgumentException("the target FAR must be in (0, 1], got " + targetFar);
        }
        double[] impostor = IntStream.range(0, scores.length).filter(i -> !same[i]).mapToDouble(i -> scores[i])
                .sorted().toArray();
        int impostors = impostor.length;
        // the small relative margin keeps e.g. 0.29 * 100 = 28.999999999999996 from rounding down to 28
        int allowed = (int) Math.floor(targetFar * impostors * (1 + 1e-9));
        double threshold = allowed >= impostors ? Double.NEGATIVE_INFINITY : impostor[impostors - 1 - allowed];
        int falseAccepts = 0;
        int trueAccepts = 0;
        int genuine = 0;
        for (int i = 0; i < scores.length; i++) {
            boolean accepted = scores[i] > threshold;
            if (same[i]) {
                genuine++;
                trueAccepts += accepted ? 1 : 0;
            } else {
                falseAccepts += accepted ? 1 : 0;
            }
        }
        return new TarAtFar(targetFar, threshold, (double) trueAccepts / genuine, (double) falseAccepts / impostors,
                falseAccepts, impostors);
    }

    /** The ROC curve, one point per distinct score. */
    public static RocCurve roc(double[] scores, boolean[] same) {
        checkInputs(scores, same);
        int[] order = IntStream.range(0, scores.length).boxed()
                .sorted(Comparator.comparingDouble((Integer i) -> scores[i]).reversed())
                .mapToInt(Integer::intValue).toArray();
        int positives = 0;
        for (boolean s : same) {
            positives += s ? 1 : 0;
        }
        int negatives = scores.length - positives;
        List<double[]> points = new ArrayList<>();
        points.add(new double[] {0, 0, Double.POSITIVE_INFINITY});
        int truePositives = 0;
        int falsePositives = 0;
        for (int r = 0; r < order.length; r++) {
            if (same[order[r]]) {
                truePositives++;
            } else {
                falsePositives++;
            }
            boolean lastOfTies = r == order.length - 1 || scores[order[r + 1]] < scores[order[r]];
            if (lastOfTies) {
                points.add(new double[] {(double) falsePositives / negatives, (double) truePositives / positives,
                        scores[order[r]]});
            }
        }
        double[] far = new double[points.size()];
        double[] tar = new double[points.size()];
        double[] thresholds = new double[points.size()];
        for (int i = 0; i < points.size(); i++) {
            far[i] = points.get(i)[0];
            tar[i] = points.get(i)[1];
            thresholds[i] = points.get(i)[2];
        }
        return new RocCurve(far, tar, thresholds);
    }

    private static void checkInputs(double[] scores, boolean[] same) {
        if (scores.length != same.length) {
            throw new IllegalArgumentException(scores.length + " scores but " + same.length + " labels");
        }
        boolean anySame = false;
        boolean anyDifferent = false;
        for (int i = 0; i < scores.length; i++) {
            if (!Double.isFinite(scores[i])) {
                throw new IllegalArgumentException("score of pair " + i + " is " + scores[i]);
            }
            anySame |= same[i];
            anyDifferent |= !same[i];
        }
        if (!anySame || !anyDifferent) {
            throw new IllegalArgumentException("both matched and mismatched pairs are needed");
        }
    }
}
