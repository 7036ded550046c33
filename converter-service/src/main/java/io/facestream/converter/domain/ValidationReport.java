package io.facestream.converter.domain;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What was measured on a converted model before it could be published: it loaded in the TFLite runtime, its
 * embeddings of validation images (not used for calibration) against the float32 model's, and, with a pairs set,
 * face verification of both.
 *
 * @param quantization      the converted model's quantization (int8, float16, dynamic-range, float32)
 * @param calibrationImages images int8 calibration ran on (0 for the other precisions)
 * @param validationImages  images the two models were compared on
 * @param meanCosine        mean cosine between converted and float32 embeddings
 * @param minCosine         the lowest of those cosines
 * @param float32           verification of the float32 model, or null without a pairs set
 * @param converted         verification of the converted model, or null without a pairs set
 * @param accuracyDrop      float32 accuracy minus converted accuracy, or null without a pairs set
 * @param float32SizeBytes  size of the float32 model
 * @param sizeBytes         size of the converted model
 */
public record ValidationReport(String quantization, int calibrationImages, int validationImages, double meanCosine,
                               double minCosine, VerificationFigures float32, VerificationFigures converted,
                               Double accuracyDrop, long float32SizeBytes, long sizeBytes) {

    public static ValidationReport of(String quantization, int calibrationImages, int validationImages,
                                      double meanCosine, double minCosine, VerificationFigures float32,
                                      VerificationFigures converted, long float32SizeBytes, long sizeBytes) {
        Double drop = float32 != null && converted != null ? float32.accuracy() - converted.accuracy() : null;
        return new ValidationReport(quantization, calibrationImages, validationImages, meanCosine, minCosine,
                float32, converted, drop, float32SizeBytes, sizeBytes);
    }

    /** The figures as the artifact event carries them (ModelArtifactEvent.validation). */
    public Map<String, Double> figures() {
        Map<String, Double> f = new LinkedHashMap<>();
        f.put("calibrationImages", (double) calibrationImages);
        f.put("validationImages", (double) validationImages);
        f.put("meanCosineToFloat32", meanCosine);
        f.put("minCosineToFloat32", minCosine);
        f.put("float32SizeBytes", (double) float32SizeBytes);
        if (float32 != null && converted != null) {
            put(f, "float32", float32);
            if (!quantization.equals("float32")) {
                put(f, quantization, converted);
            }
            f.put("accuracyDrop", accuracyDrop);
        }
        return f;
    }

    private static void put(Map<String, Double> f, String prefix, VerificationFigures v) {
        f.put(prefix + ".accuracy", v.accuracy());
        f.put(prefix + ".accuracyStd", v.accuracyStd());
        f.put(prefix + ".tarAtFar1e-3", v.tarAtFar1e3());
        f.put(prefix + ".auc", v.auc());
    }
}
