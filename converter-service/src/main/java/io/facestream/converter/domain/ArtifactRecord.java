package io.facestream.converter.domain;

import io.facestream.events.domain.ModelArtifactEvent;

/**
 * A stored artifact: the event that announces it (or would, when it is not published) and how it was validated.
 *
 * @param id               the artifact's id in this converter (its folder and URL path)
 * @param event            the ModelArtifactEvent, downloadUrl included
 * @param validation       the conversion's measurements, or null for an uploaded model
 * @param origin           {@value #CONVERSION} or {@value #UPLOAD}
 * @param conversionId     the conversion that made it, or null
 * @param checkpointSha256 the checkpoint it was converted from, or null
 * @param uint8Input       whether the model takes uint8 pixels
 * @param published        whether the event went out on models.artifacts
 * @param note             why it was not published, or null
 * @param rocPlot          whether a ROC plot (float32 and converted curves) is stored with it
 */
public record ArtifactRecord(String id, ModelArtifactEvent event, ValidationReport validation, String origin,
                             String conversionId, String checkpointSha256, boolean uint8Input, boolean published,
                             String note, boolean rocPlot) {

    public static final String CONVERSION = "conversion";
    public static final String UPLOAD = "upload";

    public ArtifactRecord asPublished() {
        return new ArtifactRecord(id, event, validation, origin, conversionId, checkpointSha256, uint8Input, true,
                null, rocPlot);
    }
}
