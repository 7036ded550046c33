package io.facestream.converter.domain;

/**
 * One conversion: where its checkpoint came from, what it makes, how far it got and how it ended.
 *
 * @param phase      the step it is in (DONE when finished, the failing step's phase when it failed)
 * @param percent    overall progress, 0..100
 * @param reason     why it failed (every failure has one), or a note on success (e.g. not published)
 * @param artifactId the artifact it produced, when it succeeded
 * @param validation what was measured, when it got that far (kept for refused models too)
 */
public record Conversion(String id, ConversionSource source, ConversionSettings settings, ConversionStatus status,
                         Phase phase, int percent, String reason, String artifactId, ValidationReport validation,
                         long createdAtMs, long updatedAtMs) {

    public static Conversion queued(String id, ConversionSource source, ConversionSettings settings, long nowMs) {
        return new Conversion(id, source, settings, ConversionStatus.QUEUED, Phase.QUEUED, 0, null, null, null, nowMs,
                nowMs);
    }

    public Conversion progress(Phase phase, int percent, long nowMs) {
        return new Conversion(id, source, settings, ConversionStatus.RUNNING, phase, percent, reason, artifactId,
                validation, createdAtMs, nowMs);
    }

    public Conversion measured(ValidationReport report, long nowMs) {
        return new Conversion(id, source, settings, status, phase, percent, reason, artifactId, report, createdAtMs,
                nowMs);
    }

    public Conversion succeeded(String artifactId, String note, long nowMs) {
        return new Conversion(id, source, settings, ConversionStatus.SUCCEEDED, Phase.DONE, 100, note, artifactId,
                validation, createdAtMs, nowMs);
    }

    public Conversion failed(String reason, long nowMs) {
        return new Conversion(id, source, settings, ConversionStatus.FAILED, phase, percent, reason, null,
                validation, createdAtMs, nowMs);
    }
}
