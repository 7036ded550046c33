package io.facestream.trainer.service;

import com.fasterxml.jackson.databind.JsonNode;
import io.facestream.trainer.domain.Attempt;
import io.facestream.trainer.domain.CheckpointRecord;
import io.facestream.trainer.domain.DataSummary;
import io.facestream.trainer.domain.RunProgress;
import io.facestream.trainer.domain.RunState;
import io.facestream.trainer.domain.TrainingRun;
import io.facestream.trainer.domain.ValidationFigures;
import io.facestream.trainer.training.Trainer;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A run's mutable state in memory. Every access holds the handle's lock ({@code synchronized (handle)}): the
 * training thread writes progress while request threads read snapshots.
 */
final class RunHandle {

    final String id;
    final String modelName;
    final Instant createdAt;
    final JsonNode request;
    RunState state;
    boolean cancelRequested;
    Instant startedAt;
    Instant finishedAt;
    String failureReason;
    DataSummary data;
    RunProgress progress;
    ValidationFigures lastValidation;
    CheckpointRecord bestCheckpoint;
    CheckpointRecord lastCheckpoint;
    final List<Attempt> attempts = new ArrayList<>();
    /** The running attempt's trainer, null when none runs. */
    Trainer trainer;

    RunHandle(String id, String modelName, Instant createdAt, JsonNode request) {
        this.id = id;
        this.modelName = modelName;
        this.createdAt = createdAt;
        this.request = request;
        this.state = RunState.QUEUED;
    }

    static RunHandle of(TrainingRun run) {
        RunHandle h = new RunHandle(run.id(), run.modelName(), run.createdAt(), run.request());
        h.state = run.state();
        h.cancelRequested = run.cancelRequested();
        h.startedAt = run.startedAt();
        h.finishedAt = run.finishedAt();
        h.failureReason = run.failureReason();
        h.data = run.data();
        h.progress = run.progress();
        h.lastValidation = run.lastValidation();
        h.bestCheckpoint = run.bestCheckpoint();
        h.lastCheckpoint = run.lastCheckpoint();
        h.attempts.addAll(run.attempts());
        return h;
    }

    synchronized TrainingRun snapshot() {
        return new TrainingRun(id, modelName, state, cancelRequested, createdAt, startedAt, finishedAt, failureReason,
                data, progress, lastValidation, bestCheckpoint, lastCheckpoint, attempts, request);
    }

    /** Ends the current attempt (if one is open) and the run in this state. */
    synchronized void finish(RunState outcome, String reason, Instant at) {
        state = outcome;
        failureReason = reason;
        finishedAt = at;
        cancelRequested = false;
        trainer = null;
        int last = attempts.size() - 1;
        if (last >= 0 && attempts.get(last).outcome() == null) {
            attempts.set(last, attempts.get(last).ended(at, outcome, reason));
        }
    }
}
