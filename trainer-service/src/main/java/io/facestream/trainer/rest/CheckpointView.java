package io.facestream.trainer.rest;

import java.time.Instant;
import java.util.Map;

/**
 * A checkpoint in GET /training-runs/{id}/checkpoints.
 *
 * @param best        it is the run's best checkpoint (lowest validation loss)
 * @param downloadUrl where the file is downloaded from (trainer.public-url + its path)
 * @param rocUrl      its ROC plot, or null without a pairs set
 */
public record CheckpointView(String id, long step, int epoch, Map<String, Double> metrics, boolean best,
                             boolean finalCheckpoint, String sha256, long sizeBytes, int attempt, Instant createdAt,
                             String downloadUrl, String rocUrl) {
}
