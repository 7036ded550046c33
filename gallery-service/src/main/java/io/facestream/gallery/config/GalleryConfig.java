package io.facestream.gallery.config;

import io.facestream.gallery.domain.ThresholdPolicy;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.util.Map;

/** gallery.* settings. */
@ConfigMapping(prefix = "gallery")
public interface GalleryConfig {

    /**
     * The fixed cosine threshold: used for every version with threshold-mode=fixed, and in calibrated mode for a
     * version with fewer than min-calibration-persons people.
     */
    @WithDefault("0.35")
    double threshold();

    /** calibrated (from each version's enrolled people at target-far) or fixed. */
    @WithDefault("calibrated")
    ThresholdPolicy.Mode thresholdMode();

    /** The false-accept rate a calibrated threshold aims at. */
    @WithDefault("1e-3")
    double targetFar();

    /**
     * Fewer enrolled people than this and a version keeps the fixed threshold: 50 people give 1,225 impostor pairs,
     * about the least that places a 1e-3 quantile at all.
     */
    @WithDefault("50")
    int minCalibrationPersons();

    /** Per-person thresholds, gallery.person-thresholds."Name"=0.5: used whenever that person is the best candidate. */
    Map<String, Double> personThresholds();
}
