package io.facestream.converter.domain;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * How far a converted model may stray from its float32 form before it is refused.
 *
 * @param minMeanCosine   lowest mean cosine between converted and float32 embeddings of the validation images
 * @param minCosine       lowest cosine of any one validation image, or null for no such bound
 * @param maxAccuracyDrop largest drop of verification accuracy (float32 minus converted), when a pairs set is used
 */
public record QualityBounds(double minMeanCosine, Double minCosine, double maxAccuracyDrop) {

    public QualityBounds {
        if (!(minMeanCosine >= -1 && minMeanCosine <= 1)) {
            throw new IllegalArgumentException("minMeanCosine must be in [-1, 1], got " + minMeanCosine);
        }
        if (minCosine != null && !(minCosine >= -1 && minCosine <= 1)) {
            throw new IllegalArgumentException("minCosine must be in [-1, 1], got " + minCosine);
        }
        if (!(maxAccuracyDrop >= 0 && maxAccuracyDrop <= 1)) {
            throw new IllegalArgumentException("maxAccuracyDrop must be in [0, 1], got " + maxAccuracyDrop);
        }
    }

    /** These bounds with a request's overrides (null: keep). */
    public QualityBounds with(Double minMeanCosine, Double minCosine, Double maxAccuracyDrop) {
        return new QualityBounds(minMeanCosine != null ? minMeanCosine : this.minMeanCosine,
                minCosine != null ? minCosine : this.minCosine,
                maxAccuracyDrop != null ? maxAccuracyDrop : this.maxAccuracyDrop);
    }

    /** Every bound the report breaks, each as a sentence with the figures; empty when the model passes. */
    public List<String> violations(ValidationReport report) {
        List<String> out = new ArrayList<>();
        String q = report.quantization();
        if (report.meanCosine() < minMeanCosine) {
            out.add(String.format(Locale.ROOT, "mean cosine between %s and float32 embeddings of %d validation "
                    + "images is %.4f, below the bound %.4f (min-mean-cosine)", q, report.validationImages(),
                    report.meanCosine(), minMeanCosine));
        }
        if (minCosine != null && report.minCosine() < minCosine) {
            out.add(String.format(Locale.ROOT, "lowest cosine between %s and float32 embeddings of one validation "
                    + "image is %.4f, below the bound %.4f (min-cosine)", q, report.minCosine(), minCosine));
        }
        if (report.accuracyDrop() != null && report.accuracyDrop() > maxAccuracyDrop) {
            out.add(String.format(Locale.ROOT, "verification accuracy on %s drops by %.4f (float32 %.4f, %s %.4f), "
                    + "more than the bound %.4f (max-accuracy-drop)", report.float32().pairsSet(),
                    report.accuracyDrop(), report.float32().accuracy(), q, report.converted().accuracy(),
                    maxAccuracyDrop));
        }
        return out;
    }
}
