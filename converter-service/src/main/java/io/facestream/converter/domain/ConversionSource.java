package io.facestream.converter.domain;

/**
 * Where a conversion's checkpoint comes from.
 *
 * @param kind         {@value #EVENT} (announced on models.checkpoints), {@value #URL} (POST with a URL) or
 *                     {@value #UPLOAD} (POST with the file)
 * @param url          where it was downloaded from (null for uploads)
 * @param sha256       the digest it must have (uploads: the one given, or the one measured)
 * @param sizeBytes    the size announced, or null
 * @param runId        the training run (events only)
 * @param checkpointId the checkpoint within the run (events only)
 * @param step         the training step (events only)
 * @param best         flagged best when saved (events only)
 * @param finalCheckpoint the run's last checkpoint (events only)
 */
public record ConversionSource(String kind, String url, String sha256, Long sizeBytes, String runId,
                               String checkpointId, Long step, Boolean best, Boolean finalCheckpoint) {

    public static final String EVENT = "checkpoint-event";
    public static final String URL = "url";
    public static final String UPLOAD = "upload";

    public static ConversionSource url(String url, String sha256, Long sizeBytes) {
        return new ConversionSource(URL, url, sha256, sizeBytes, null, null, null, null, null);
    }

    public static ConversionSource upload(String sha256) {
        return new ConversionSource(UPLOAD, null, sha256, null, null, null, null, null, null);
    }
}
