package io.facestream.converter.domain;

import io.facestream.model.eval.VerificationResult;

/**
 * One model's face verification on the configured pairs set (LFW 10-fold accuracy, TAR at FAR 1e-3 over all pairs).
 *
 * @param threshold the mean of the folds' best thresholds (cosine similarity)
 */
public record VerificationFigures(String pairsSet, int matchedPairs, int mismatchedPairs, double accuracy,
                                  double accuracyStd, double threshold, double tarAtFar1e3, double auc) {

    public static VerificationFigures of(VerificationResult r) {
        return new VerificationFigures(r.setName(), r.matchedPairs(), r.mismatchedPairs(), r.accuracy(),
                r.accuracyStd(), r.meanThreshold(), r.tarAtFar1e3().tar(), r.auc());
    }
}
