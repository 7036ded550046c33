package io.facestream.model.eval;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VerificationMetricsTest {

    @Test
    void foldsSplitEachKindIntoRunsInFileOrder() {
        // LFW order: per fold 3 matched then 3 mismatched pairs
        boolean[] lfwOrder = new boolean[12];
        for (int i = 0; i < 12; i++) {
            lfwOrder[i] = i % 6 < 3;
        }
        assertArrayEquals(new int[] {0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1},
                VerificationMetrics.stratifiedFolds(lfwOrder, 2), "LFW's own folds");

        // pairsDevTrain order: all matched, then all mismatched
        boolean[] devTrain = {true, true, true, true, false, false, false, false};
        assertArrayEquals(new int[] {0, 0, 1, 1, 0, 0, 1, 1}, VerificationMetrics.stratifiedFolds(devTrain, 2));

        assertThrows(IllegalArgumentException.class,
                () -> VerificationMetrics.stratifiedFolds(new boolean[] {true, false, false}, 2));
    }

    @Test
    void handCheckedTwoFoldCase() {
        // fold 0 = {P .9, P .6, N .4, N .1}, fold 1 = {P .8, P .3, N .7, N .2}
        double[] scores = {0.9, 0.6, 0.8, 0.3, 0.4, 0.1, 0.7, 0.2};
        boolean[] same = {true, true, true, true, false, false, false, false};
        KFoldAccuracy result = VerificationMetrics.kFold(scores, same, 2);

        // scored on fold 0, trained on fold 1 (sorted .2N .3P .7N .8P): splits after .2 and after .7 are both 3/4
        // right; the lower middle of the two is taken, the midpoint .25; on fold 0 only .4N is wrong
        assertEquals(0.25, result.foldThresholds()[0], 1e-12);
        assertEquals(0.75, result.foldAccuracies()[0], 1e-12);
        // scored on fold 1, trained on fold 0 (.1N .4N .6P .9P): separable at .5; on fold 1 .3P and .7N are wrong
        assertEquals(0.5, result.foldThresholds()[1], 1e-12);
        assertEquals(0.5, result.foldAccuracies()[1], 1e-12);
        assertEquals(0.625, result.accuracy(), 1e-12);
        assertEquals(0.125, result.accuracyStd(), 1e-12, "population standard deviation of 0.75 and 0.5");
        assertEquals(0.375, result.meanThreshold(), 1e-12);
        assertEquals(2, result.folds());
    }

    @Test
    void perfectlySeparableScoresGiveAccuracyOne() {
        Random random = new Random(3);
        int n = 600;
        double[] scores = new double[n];
        boolean[] same = new boolean[n];
        for (int i = 0; i < n; i++) {
            same[i] = i < n / 2;
            scores[i] = same[i] ? 0.5 + 0.5 * random.nextDouble() : 0.45 * random.nextDouble();
        }
        KFoldAccuracy result = VerificationMetrics.kFold(scores, same, 10);
        assertEquals(1.0, result.accuracy());
        assertEquals(0.0, result.accuracyStd());
        for (double t : result.foldThresholds()) {
            assertTrue(t > 0.4 && t < 0.55, "threshold between the classes: " + t);
        }
        assertEquals(1.0, VerificationMetrics.roc(scores, same).auc());
        assertEquals(1.0, VerificationMetrics.tarAtFar(scores, same, 1e-3).tar());
    }

    @Test
    void randomScoresGiveChanceAccuracy() {
        Random random = new Random(11);
        int n = 4000;
        double[] scores = new double[n];
        boolean[] same = new boolean[n];
        for (int i = 0; i < n; i++) {
            same[i] = i % 2 == 0;
            scores[i] = random.nextGaussian();
        }
        KFoldAccuracy result = VerificationMetrics.kFold(scores, same, 10);
        // the chosen threshold overfits 3,600 pairs a little; 4,000 pairs put chance within a few points of 0.5
        assertEquals(0.5, result.accuracy(), 0.04, "accuracy " + result.accuracy());
        assertEquals(0.5, VerificationMetrics.roc(scores, same).auc(), 0.04);
    }

    @Test
    void tarAtFarThresholdsOnTheImpostorScoresWithoutInterpolation() {
        // 1,000 impostors scoring 0.000, 0.001, ..., 0.999
        double[] scores = new double[1100];
        boolean[] same = new boolean[1100];
        for (int i = 0; i < 1000; i++) {
            scores[i] = i / 1000.0;
        }
        // 100 genuine pairs: 50 above every impostor but one, 30 above all but 10, 20 far below
        for (int i = 1000; i < 1100; i++) {
            same[i] = true;
            scores[i] = i < 1050 ? 0.9985 : i < 1080 ? 0.995 : 0.5;
        }

        TarAtFar at1e3 = VerificationMetrics.tarAtFar(scores, same, 1e-3);
        assertEquals(0.998, at1e3.threshold(), "the second-highest impostor: one impostor may pass");
        assertEquals(1, at1e3.falseAccepts());
        assertEquals(1e-3, at1e3.far(), 1e-15);
        assertEquals(0.5, at1e3.tar(), 1e-15);
        assertEquals(1000, at1e3.impostors());

        TarAtFar at1e2 = VerificationMetrics.tarAtFar(scores, same, 1e-2);
        assertEquals(0.989, at1e2.threshold());
        assertEquals(10, at1e2.falseAccepts());
        assertEquals(0.8, at1e2.tar(), 1e-15);

        TarAtFar all = VerificationMetrics.tarAtFar(scores, same, 1.0);
        assertEquals(1.0, all.tar());
        assertEquals(1.0, all.far());
    }

    @Test
    void tarAtFarNeverExceedsTheTargetWhenScoresTieOrImpostorsAreFew() {
        // 5 impostors tied at 0.7: accepting any accepts all five, so none is accepted
        double[] tied = {0.7, 0.7, 0.7, 0.7, 0.7, 0.2, 0.8, 0.9, 0.6};
        boolean[] same = {false, false, false, false, false, false, true, true, true};
        TarAtFar t = VerificationMetrics.tarAtFar(tied, same, 0.5);
        assertEquals(0, t.falseAccepts());
        assertEquals(2.0 / 3, t.tar(), 1e-12);

        // fewer than 1 / FAR impostors: the TAR at zero false accepts
        TarAtFar few = VerificationMetrics.tarAtFar(tied, same, 1e-3);
        assertEquals(0.7, few.threshold());
        assertEquals(0.0, few.far());

        Random random = new Random(5);
        double[] scores = new double[3000];
        boolean[] labels = new boolean[3000];
        for (int i = 0; i < scores.length; i++) {
            labels[i] = random.nextBoolean();
            scores[i] = Math.round(random.nextDouble() * 50) / 50.0 + (labels[i] ? 0.2 : 0);
        }
        for (double far : new double[] {1e-3, 1e-2, 0.05, 0.29, 0.5}) {
            TarAtFar r = VerificationMetrics.tarAtFar(scores, labels, far);
            assertTrue(r.far() <= far, "achieved " + r.far() + " for target " + far);
        }
    }

    @Test
    void rocCurveAndAucAgreeWithPairwiseCounting() {
        Random random = new Random(7);
        int n = 500;
        double[] scores = new double[n];
        boolean[] same = new boolean[n];
        for (int i = 0; i < n; i++) {
            same[i] = random.nextInt(3) == 0;
            // coarse scores, so that ties occur
            scores[i] = Math.round((random.nextGaussian() + (same[i] ? 1 : 0)) * 10) / 10.0;
        }
        double wins = 0;
        int comparisons = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                if (same[i] && !same[j]) {
                    comparisons++;
                    wins += scores[i] > scores[j] ? 1 : scores[i] == scores[j] ? 0.5 : 0;
                }
            }
        }
        RocCurve roc = VerificationMetrics.roc(scores, same);
        assertEquals(wins / comparisons, roc.auc(), 1e-12);

        assertEquals(0.0, roc.far()[0]);
        assertEquals(0.0, roc.tar()[0]);
        assertEquals(Double.POSITIVE_INFINITY, roc.thresholds()[0]);
        assertEquals(1.0, roc.far()[roc.size() - 1]);
        assertEquals(1.0, roc.tar()[roc.size() - 1]);
        for (int i = 1; i < roc.size(); i++) {
            assertTrue(roc.far()[i] >= roc.far()[i - 1] && roc.tar()[i] >= roc.tar()[i - 1], "monotone");
            assertTrue(roc.thresholds()[i] < roc.thresholds()[i - 1], "one point per distinct score");
            int accepted = 0;
            int falseAccepted = 0;
            for (int k = 0; k < n; k++) {
                if (scores[k] >= roc.thresholds()[i]) {
                    accepted += same[k] ? 1 : 0;
                    falseAccepted += same[k] ? 0 : 1;
                }
            }
            assertEquals(accepted, Math.round(roc.tar()[i] * countTrue(same)));
            assertEquals(falseAccepted, Math.round(roc.far()[i] * countFalse(same)));
        }
        assertEquals(0.5, VerificationMetrics.roc(new double[] {0.3, 0.3, 0.3}, new boolean[] {true, false, true})
                .auc(), 1e-12, "all tied: one diagonal step");
    }

    @Test
    void badInputsAreRefused() {
        assertThrows(IllegalArgumentException.class,
                () -> VerificationMetrics.kFold(new double[] {1, 2}, new boolean[] {true}, 2));
        assertThrows(IllegalArgumentException.class,
                () -> VerificationMetrics.roc(new double[] {1, 2}, new boolean[] {true, true}));
        assertThrows(IllegalArgumentException.class,
                () -> VerificationMetrics.roc(new double[] {Double.NaN, 2}, new boolean[] {true, false}));
        assertThrows(IllegalArgumentException.class,
                () -> VerificationMetrics.tarAtFar(new double[] {1, 2}, new boolean[] {true, false}, 0));
    }

    private static int countTrue(boolean[] values) {
        int count = 0;
        for (boolean v : values) {
            count += v ? 1 : 0;
        }
        return count;
    }

    private static int countFalse(boolean[] values) {
        return values.length - countTrue(values);
    }
}
