package io.facestream.gallery.domain;

/**
 * The threshold in force for one model version's gallery, and where it came from.
 *
 * @param value          probes scoring at least this against their best candidate are identified
 * @param source         how the value was chosen
 * @param impostorScores how many impostor scores the calibration used (0 unless CALIBRATED)
 * @param targetFar      the false-accept rate a calibrated threshold aims at
 */
public record Threshold(double value, Source source, long impostorScores, double targetFar) {

    public enum Source {
        /** from the impostor scores of the enrolled people at the target false-accept rate */
        CALIBRATED,
        /** gallery.threshold-mode=fixed */
        FIXED,
        /** calibrated mode, but fewer enrolled people than gallery.min-calibration-persons */
        FIXED_TOO_FEW_PERSONS
    }
}
