package io.facestream.events.domain;

import java.util.Map;

/**
 * A training checkpoint ready for conversion, on models.checkpoints (key: runId). The bytes travel by reference:
 * download from downloadUrl and verify sha256 before use.
 *
 * @param best true when this checkpoint has the best validation figure of its run so far
 */
public record CheckpointEvent(String runId, String checkpointId, String modelName, long step, int epoch,
                              String backbone, String head, Map<String, Double> metrics, boolean best,
                              boolean finalCheckpoint, String sha256, long sizeBytes, String downloadUrl,
                              long createdAtMs) {

    public CheckpointEvent {
        Require.text(runId, "runId");
        Require.text(checkpointId, "checkpointId");
        Require.text(modelName, "modelName");
        Sha256.require(sha256);
        Require.text(downloadUrl, "downloadUrl");
        metrics = metrics == null ? Map.of() : Map.copyOf(metrics);
    }
}
