package io.facestream.trainer.service;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.facestream.trainer.domain.Attempt;
import io.facestream.trainer.domain.CheckpointRecord;
import io.facestream.trainer.domain.RunProgress;
import io.facestream.trainer.domain.RunState;
import io.facestream.trainer.domain.TrainingRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Runs and checkpoint records survive a restart; a run that was running comes back FAILED and resumable. */
class RunStoreTest {

    private static final ObjectMapper JSON = new ObjectMapper().findAndRegisterModules()
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    private static final Instant T0 = Instant.parse("2026-11-29T08:00:00Z");

    @TempDir
    Path dataDir;

    private static TrainingRun running(String id) {
        CheckpointRecord ckpt = new CheckpointRecord("ckpt-0000000020", 20, 2, Map.of("train_loss", 3.5), false,
                false, "a".repeat(64), 1234, false, 1, T0.plusSeconds(50));
        return new TrainingRun(id, "mobilefacenet-arcface", RunState.RUNNING, false, T0, T0.plusSeconds(1), null,
                null, null, new RunProgress(3, 10, 25, 100, 3.2, 3.4, 0.2, 0.01, 120, 60), null, null, ckpt,
                List.of(new Attempt(1, T0.plusSeconds(1), null, 0, null, null, null)),
                JSON.createObjectNode().put("batch_size", 8));
    }

    @Test
    void runsAndCheckpointsReadBackAsWritten() throws IOException {
        RunStore store = new RunStore(dataDir, JSON);
        TrainingRun run = running("run-a");
        store.save(run);
        store.saveCheckpoint(run.id(), run.lastCheckpoint());
        store.save(new TrainingRun("run-b", "m", RunState.QUEUED, false, T0.plusSeconds(5), null, null, null, null,
                null, null, null, null, List.of(), JSON.createObjectNode()));

        RunStore again = new RunStore(dataDir, JSON);
        List<TrainingRun> loaded = again.loadAll();
        assertEquals(List.of("run-a", "run-b"), loaded.stream().map(TrainingRun::id).toList());
        assertEquals(run, loaded.get(0));
        assertEquals(List.of(run.lastCheckpoint()), again.checkpoints("run-a"));
        assertEquals(run.lastCheckpoint(), again.checkpoint("run-a", "ckpt-0000000020").orElseThrow());
        assertTrue(again.checkpoint("run-a", "../run.json").isEmpty());
        assertThrows(IllegalArgumentException.class, () -> again.checkpointFile("run-a", "../../x"));
        assertThrows(IllegalArgumentException.class, () -> again.save(running("../escape")));
    }

    @Test
    void aRunThatWasRunningIsFailedByTheRestartAndTheOthersAreUntouched() {
        Instant now = T0.plusSeconds(600);
        TrainingRun after = TrainingRuns.afterRestart(running("run-a"), now);
        assertEquals(RunState.FAILED, after.state());
        assertEquals(TrainingRuns.INTERRUPTED_BY_RESTART, after.failureReason());
        assertEquals(now, after.finishedAt());
        Attempt attempt = after.attempts().get(0);
        assertEquals(RunState.FAILED, attempt.outcome());
        assertEquals(now, attempt.finishedAt());
        assertEquals("ckpt-0000000020", after.lastCheckpoint().id(), "a resume continues from here");
        assertFalse(after.cancelRequested());

        TrainingRun queued = new TrainingRun("run-q", "m", RunState.QUEUED, false, T0, null, null, null, null, null,
                null, null, null, List.of(), null);
        assertSame(queued, TrainingRuns.afterRestart(queued, now));
        assertNull(TrainingRuns.afterRestart(queued, now).failureReason());
    }
}
