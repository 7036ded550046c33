package io.facestream.trainer.domain;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;
import java.util.List;

/**
 * A training run as it stands: what GET /training-runs/{id} answers and what the service keeps in the run's
 * folder (run.json), so runs survive a restart.
 *
 * @param id              the run's id
 * @param modelName       the model name its checkpoints are announced under
 * @param state           QUEUED, RUNNING, SUCCEEDED, FAILED or CANCELLED
 * @param cancelRequested a cancel was asked for and the run stops after its current step
 * @param createdAt       when it was requested
 * @param startedAt       when its latest attempt began to run, or null
 * @param finishedAt      when it last finished, or null
 * @param failureReason   why it failed, or null
 * @param data            what the latest attempt found in its data, or null before it has read it
 * @param progress        the latest step, or null before the first
 * @param lastValidation  the latest validation pass, or null
 * @param bestCheckpoint  the checkpoint with the lowest validation loss, or null
 * @param lastCheckpoint  the latest checkpoint (the one a resume continues from), or null
 * @param attempts        every execution, the first and each resume
 * @param request         the request body as it came
 */
public record TrainingRun(String id, String modelName, RunState state, boolean cancelRequested, Instant createdAt,
                          Instant startedAt, Instant finishedAt, String failureReason, DataSummary data,
                          RunProgress progress, ValidationFigures lastValidation, CheckpointRecord bestCheckpoint,
                          CheckpointRecord lastCheckpoint, List<Attempt> attempts, JsonNode request) {

    public TrainingRun {
        attempts = attempts == null ? List.of() : List.copyOf(attempts);
    }
}
