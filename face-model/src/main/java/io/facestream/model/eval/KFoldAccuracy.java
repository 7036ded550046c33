package io.facestream.model.eval;

/**
 * LFW's k-fold verification accuracy: per fold, the threshold chosen on the other folds and the accuracy it gives on
 * this fold.
 *
 * @param foldAccuracies accuracy on each held-out fold
 * @param foldThresholds the similarity threshold each fold was scored with (pairs above it are called "same")
 * @param accuracy       mean of the fold accuracies
 * @param accuracyStd    their standard deviation, population form (divided by k, as numpy's std in the
 *                       insightface / arcface-tf2 evaluation, so the figures compare)
 * @param meanThreshold  mean of the fold thresholds: a similarity threshold to deploy
 */
public record KFoldAccuracy(double[] foldAccuracies, double[] foldThresholds, double accuracy, double accuracyStd,
                            double meanThreshold) {

    public int folds() {
        return foldAccuracies.length;
    }
}
