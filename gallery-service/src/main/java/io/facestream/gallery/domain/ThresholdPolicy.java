package io.facestream.gallery.domain;

import java.util.Map;
import java.util.OptionalDouble;

/**
 * How the open-set threshold of a model version's gallery is chosen (the gallery.* settings).
 *
 * @param mode                  CALIBRATED: from the enrolled data at {@code targetFar}; FIXED: always
 *                              {@code fixedThreshold}
 * @param fixedThreshold        the threshold in FIXED mode, and the fallback for galleries too small to calibrate
 * @param targetFar             the false-accept rate the calibrated threshold aims at, in (0, 1)
 * @param minCalibrationPersons fewer enrolled people than this and the fixed threshold is used
 * @param personThresholds      thresholds for named people, used whenever that person is the best candidate
 */
public record ThresholdPolicy(Mode mode, double fixedThreshold, double targetFar, int minCalibrationPersons,
                              Map<String, Double> personThresholds) {

    public enum Mode { CALIBRATED, FIXED }

    public ThresholdPolicy {
        if (mode == null) {
            throw new IllegalArgumentException("gallery.threshold-mode is required (calibrated or fixed)");
        }
        requireSimilarity(fixedThreshold, "gallery.threshold");
        if (!(targetFar > 0 && targetFar < 1)) {
            throw new IllegalArgumentException("gallery.target-far must be in (0, 1), got " + targetFar);
        }
        if (minCalibrationPersons < 2) {
            throw new IllegalArgumentException("gallery.min-calibration-persons must be at least 2 (one impostor "
                    + "pair), got " + minCalibrationPersons);
        }
        personThresholds = personThresholds == null ? Map.of() : Map.copyOf(personThresholds);
        personThresholds.forEach((person, t) -> requireSimilarity(t, "gallery.person-thresholds.\"" + person + "\""));
    }

    /** A fixed threshold for every version and person. */
    public static ThresholdPolicy fixed(double threshold) {
        return new ThresholdPolicy(Mode.FIXED, threshold, 1e-3, 50, Map.of());
    }

    public OptionalDouble personThreshold(String person) {
        Double t = personThresholds.get(person);
        return t == null ? OptionalDouble.empty() : OptionalDouble.of(t);
    }

    private static void requireSimilarity(double t, String name) {
        if (!(t >= -1 && t <= 1)) {
            throw new IllegalArgumentException(name + " must be a cosine similarity in [-1, 1], got " + t);
        }
    }
}
