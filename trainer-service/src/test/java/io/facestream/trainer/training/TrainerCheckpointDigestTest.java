package io.facestream.trainer.training;

import io.facestream.model.checkpoint.Checkpoint;
import io.facestream.trainer.training.TrainingEvents.SavedCheckpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A checkpoint file keeps the digest its listener was told: when the last step is also a save_steps step, the final
 * checkpoint is that same file (not a rewrite, whose manifest time would change the digest), and a resumed run that
 * has no step left ends with the checkpoint it resumed from.
 */
class TrainerCheckpointDigestTest {

    private static final SyntheticShapes SHAPES = new SyntheticShapes(4, 10, 32, 5);

    @TempDir
    Path dir;

    private static TrainingConfig config(long maxSteps) {
        return TrainingConfig.builder().backboneType("MobileNetV2").alpha(0.35).inputSize(32).embdShape(16)
                .batchSize(8).headType("ArcHead").margin(0.3).logistScale(16.0).validationFraction(0).epochs(10)
                .maxSteps(maxSteps).saveSteps(4).seed(3).build();
    }

    @Test
    void theFinalCheckpointAtASaveStepIsTheSameFile() throws IOException {
        RecordingListener events = new RecordingListener();
        TrainingEvents.Result result = new Trainer(config(8), dir, events, 2).train(SHAPES,
                Trainer.StartFrom.scratch());

        List<SavedCheckpoint> atEight = events.checkpoints.stream().filter(c -> c.step() == 8).toList();
        assertEquals(2, atEight.size(), "saved at step 8, then the same file marked final");
        assertFalse(atEight.get(0).finalCheckpoint());
        assertTrue(atEight.get(1).finalCheckpoint());
        assertEquals(atEight.get(0).sha256(), atEight.get(1).sha256());
        assertEquals(atEight.get(0).sha256(), Checkpoint.sha256(result.last().file()));
        for (SavedCheckpoint c : events.checkpoints) {
            assertEquals(c.sha256(), Checkpoint.sha256(c.file()), "the digest told for step " + c.step());
        }
    }

    @Test
    void aResumeWithNoStepLeftEndsWithTheCheckpointItResumedFrom() throws IOException {
        TrainingEvents.Result first = new Trainer(config(6), dir, new RecordingListener(), 2).train(SHAPES,
                Trainer.StartFrom.scratch());
        String digest = Checkpoint.sha256(first.last().file());

        RecordingListener events = new RecordingListener();
        TrainingEvents.Result again = new Trainer(config(6), dir, events, 2).train(SHAPES,
                Trainer.StartFrom.resume(first.last().file()));

        assertEquals(6, again.steps());
        assertEquals(0, events.progress.size());
        assertEquals(first.last().file(), again.last().file());
        assertTrue(again.last().finalCheckpoint());
        assertEquals(digest, again.last().sha256());
        assertEquals(digest, Checkpoint.sha256(first.last().file()), "the file was not written again");
    }
}
