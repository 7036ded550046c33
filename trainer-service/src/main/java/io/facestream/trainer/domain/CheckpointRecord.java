package io.facestream.trainer.domain;

import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * A checkpoint file of a run as the service keeps it (beside the file, and in the list answer).
 *
 * @param id              the file's name without ".ckpt" (ckpt-&lt;10-digit step&gt;)
 * @param step            steps done
 * @param epoch           epochs completed
 * @param metrics         the manifest's metrics plus the verification figures when a pairs set is configured
 * @param bestWhenSaved   it had the lowest validation loss of the run when it was saved
 * @param finalCheckpoint it is the last checkpoint of an attempt
 * @param sha256          the file's SHA-256, lower-case hex
 * @param sizeBytes       the file's size
 * @param hasRoc          a ROC plot of its verification exists
 * @param attempt         the attempt that wrote it
 * @param createdAt       when it was written
 */
public record CheckpointRecord(String id, long step, int epoch, Map<String, Double> metrics, boolean bestWhenSaved,
                               boolean finalCheckpoint, String sha256, long sizeBytes, boolean hasRoc, int attempt,
                               Instant createdAt) {

    public CheckpointRecord {
        metrics = metrics == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(metrics));
    }

    public CheckpointRecord asFinal() {
        return new CheckpointRecord(id, step, epoch, metrics, bestWhenSaved, true, sha256, sizeBytes, hasRoc, attempt,
                createdAt);
    }
}
