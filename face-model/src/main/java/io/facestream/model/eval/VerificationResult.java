package io.facestream.model.eval;

import java.time.Duration;
import java.util.Locale;

/**
 * The figures of one verification run. Scores are cosine similarities of L2-normalised embeddings (the squared
 * euclidean distance between them is 2 - 2 * cosine, so either ranks pairs the same way); thresholds are
 * similarities, pairs above them called "same".
 *
 * @param setName         the pairs set
 * @param matchedPairs    genuine pairs
 * @param mismatchedPairs impostor pairs
 * @param images          distinct images embedded
 * @param embeddingSize   length of one embedding
 * @param folds           LFW's 10-fold accuracy
 * @param tarAtFar1e3     TAR at FAR = 1e-3
 * @param tarAtFar1e2     TAR at FAR = 1e-2
 * @param auc             area under the ROC curve
 * @param roc             the ROC curve
 * @param embeddingTime   time spent decoding and embedding the images
 */
public record VerificationResult(String setName, int matchedPairs, int mismatchedPairs, int images,
                                 int embeddingSize, KFoldAccuracy folds, TarAtFar tarAtFar1e3, TarAtFar tarAtFar1e2,
                                 double auc, RocCurve roc, Duration embeddingTime) {

    /** Computes every figure from the pairs' scores and labels. */
    public static VerificationResult fromScores(String setName, double[] scores, boolean[] same, int images,
                                                int embeddingSize, int folds, Duration embeddingTime) {
        RocCurve roc = VerificationMetrics.roc(scores, same);
        int matched = 0;
        for (boolean s : same) {
            matched += s ? 1 : 0;
        }
        return new VerificationResult(setName, matched, same.length - matched, images, embeddingSize,
                VerificationMetrics.kFold(scores, same, folds), VerificationMetrics.tarAtFar(scores, same, 1e-3),
                VerificationMetrics.tarAtFar(scores, same, 1e-2), roc.auc(), roc, embeddingTime);
    }

    public double accuracy() {
        return folds.accuracy();
    }

    public double accuracyStd() {
        return folds.accuracyStd();
    }

    public double meanThreshold() {
        return folds.meanThreshold();
    }

    /** A few lines for logs and the command line. */
    public String summary() {
        return String.format(Locale.ROOT, """
                %s: %d matched + %d mismatched pairs, %d images, embedding size %d
                accuracy %.4f ± %.4f over %d folds (std over folds), mean threshold %.4f (cosine similarity)
                %s
                %s
                AUC %.4f
                embedding took %.1f s""",
                setName, matchedPairs, mismatchedPairs, images, embeddingSize,
                accuracy(), accuracyStd(), folds.folds(), meanThreshold(),
                describe(tarAtFar1e3), describe(tarAtFar1e2), auc, embeddingTime.toMillis() / 1000.0);
    }

    private static String describe(TarAtFar t) {
        return String.format(Locale.ROOT, "TAR %.4f @ FAR %.0e (threshold %.4f; %d of %d impostor pairs accepted)",
                t.tar(), t.targetFar(), t.threshold(), t.falseAccepts(), t.impostors());
    }
}
