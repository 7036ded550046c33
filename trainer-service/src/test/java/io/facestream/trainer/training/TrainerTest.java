package io.facestream.trainer.training;

import io.facestream.model.checkpoint.Checkpoint;
import io.facestream.model.checkpoint.CheckpointReader;
import io.facestream.model.graph.Layer;
import io.facestream.trainer.tf.TfFaceModel;
import io.facestream.trainer.training.TrainingEvents.Progress;
import io.facestream.trainer.training.TrainingEvents.SavedCheckpoint;
import io.facestream.trainer.training.TrainingEvents.Status;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Training runs on 8 synthetic shape classes (20 images each, 4 held out per class) with MobileNetV2 at alpha 0.35
 * and 32 x 32 pixels: 8 steps of 16 images an epoch.
 */
class TrainerTest {

    private static final SyntheticShapes SHAPES = new SyntheticShapes(8, 20, 40, 3);

    @TempDir
    Path dir;

    private static TrainingConfig.Builder small() {
        return TrainingConfig.builder()
                .backboneType("MobileNetV2").alpha(0.35).inputSize(32).embdShape(32).batchSize(16)
                .headType("ArcHead").margin(0.2).logistScale(16.0).baseLr(0.03)
                .validationFraction(0.2).seed(1);
    }

    @Test
    void theLossFallsAndCheckpointsAreWritten() throws IOException {
        TrainingConfig config = small().epochs(10).saveSteps(30).build();
        RecordingListener events = new RecordingListener();
        TrainingEvents.Result result = new Trainer(config, dir, events, 2).train(SHAPES, Trainer.StartFrom.scratch());

        assertEquals(Status.COMPLETED, result.status());
        assertEquals(80, result.steps());
        TrainingEvents.Started started = events.started.get(0);
        assertEquals(8, started.classes());
        assertEquals(128, started.trainingImages());
        assertEquals(32, started.validationImages());
        assertEquals(80, started.totalSteps());

        double first = events.epochLoss(1);
        double last = events.epochLoss(10);
        assertTrue(last < 0.6 * first, "mean loss of epoch 1 " + first + ", of epoch 10 " + last);
        Progress end = events.progress.get(events.progress.size() - 1);
        assertTrue(end.epochAccuracy() > 0.3, "training accuracy " + end.epochAccuracy() + " (chance 0.125)");
        assertEquals(80, events.progress.size());
        for (int i = 0; i < 80; i++) {
            Progress p = events.progress.get(i);
            assertEquals(i + 1, p.step());
            assertEquals(i / 8 + 1, p.epoch());
            assertTrue(p.imagesPerSecond() > 0 && p.learningRate() == 0.03);
        }
        assertEquals(0, end.eta().toMillis());
        assertEquals(10, events.validations.size());

        List<Long> saved = events.checkpoints.stream().map(SavedCheckpoint::step).toList();
        assertTrue(saved.containsAll(List.of(30L, 60L, 80L)), "checkpoints at " + saved);
        SavedCheckpoint finalOne = result.last();
        assertTrue(finalOne.finalCheckpoint());
        assertEquals(Checkpoint.sha256(finalOne.file()), finalOne.sha256());
        Checkpoint checkpoint = CheckpointReader.read(finalOne.file());
        assertEquals(80, checkpoint.step());
        assertEquals(10, checkpoint.epoch());
        assertEquals(config.modelSpec(8), checkpoint.spec());
        assertTrue(checkpoint.metrics().keySet().containsAll(List.of("train_loss", "train_accuracy", "val_loss",
                "val_accuracy", "learning_rate", "best_val_loss")), checkpoint.metrics().toString());
        assertEquals("class_a", checkpoint.training().get("classes").get(0).asText());
        assertTrue(checkpoint.tensors().containsKey("optimizer/OutputLayer_dense/kernel/momentum"));
        try (TfFaceModel model = TfFaceModel.inference(checkpoint, 1)) {
            float[][] embedding = model.embed(new float[model.imageLength()], 1);
            assertEquals(32, embedding[0].length);
        }

        // the best marker names the checkpoint with the lowest validation loss
        double lowest = events.validations.stream().mapToDouble(TrainingEvents.Validation::loss).min().orElseThrow();
        assertNotNull(result.best());
        assertEquals(lowest, result.best().metrics().get("val_loss"), 1e-12);
        String marker = Files.readString(dir.resolve(Trainer.BEST_MARKER));
        assertTrue(marker.contains(result.best().file().getFileName().toString()), marker);
    }

    /**
     * bn_momentum replaces the graph's own (MobileNetV2's 0.999, the output layer's 0.99) in the moving averages:
     * after one step from the same initial weights and batch, every moving mean (starting at 0) is (1 - momentum)
     * times the same batch mean, so 0.5 gives 0.5 / (1 - own momentum) times the default's.
     */
    @Test
    void bnMomentumOverridesTheBackbonesMovingAverageMomentum() throws IOException {
        Checkpoint keras = CheckpointReader.read(new Trainer(small().maxSteps(1).build(), dir.resolve("keras"),
                new RecordingListener(), 2).train(SHAPES, Trainer.StartFrom.scratch()).last().file());
        Checkpoint fast = CheckpointReader.read(new Trainer(small().maxSteps(1).bnMomentum(0.5).build(),
                dir.resolve("fast"), new RecordingListener(), 2).train(SHAPES, Trainer.StartFrom.scratch()).last().file());
        int compared = 0;
        for (String name : keras.tensors().keySet()) {
            if (!name.endsWith("/moving_mean")) {
                continue;
            }
            String layer = name.substring(0, name.length() - "/moving_mean".length());
            double own = ((Layer.BatchNorm) keras.spec().embeddingGraph().node(layer).layer()).momentum();
            double ratio = 0.5 / (1 - own);
            float[] slow = keras.tensors().get(name).data();
            float[] quick = fast.tensors().get(name).data();
            for (int i = 0; i < slow.length; i++) {
                if (Math.abs(slow[i]) > 1e-6) {
                    assertEquals(ratio, quick[i] / slow[i], 1e-3 * ratio, name + "[" + i + "]");
                    compared++;
                }
            }
        }
        assertTrue(compared > 100, "compared " + compared + " moving-mean entries");
        assertEquals(keras.spec(), fast.spec(), "the override is a training setting, not part of the model");
    }

    /**
     * Stopped part-way through epoch 2 and resumed from that checkpoint, a run (Adam, CurricularFace, whose t is
     * state too) takes the same steps with the same losses as one that ran straight through.
     */
    @Test
    void aResumedRunContinuesAtTheSameStepWithTheSameLosses() throws IOException {
        TrainingConfig.Builder base = small().headType("CURRICULARFACE").margin(0.3).isAdam(true).baseLr(1e-3)
                .epochs(3).saveSteps(100);
        RecordingListener straight = new RecordingListener();
        new Trainer(base.build(), dir.resolve("straight"), straight, 2).train(SHAPES, Trainer.StartFrom.scratch());

        Path interruptedDir = dir.resolve("interrupted");
        RecordingListener firstPart = new RecordingListener();
        TrainingEvents.Result stopped = new Trainer(base.maxSteps(12).build(), interruptedDir, firstPart, 2)
                .train(SHAPES, Trainer.StartFrom.scratch());
        assertEquals(12, stopped.steps());
        RecordingListener secondPart = new RecordingListener();
        TrainingEvents.Result resumed = new Trainer(base.maxSteps(0).build(), interruptedDir, secondPart, 2)
                .train(SHAPES, Trainer.StartFrom.resume(stopped.last().file()));

        assertEquals(Status.COMPLETED, resumed.status());
        assertEquals(24, resumed.steps());
        assertEquals(12, secondPart.started.get(0).startStep());
        assertEquals(13, secondPart.progress.get(0).step());
        assertEquals(2, secondPart.progress.get(0).epoch());
        List<Double> expected = straight.losses();
        List<Double> actual = new java.util.ArrayList<>(firstPart.losses());
        actual.addAll(secondPart.losses());
        assertEquals(24, actual.size());
        for (int i = 0; i < 24; i++) {
            assertEquals(expected.get(i), actual.get(i), 1e-3 * Math.abs(expected.get(i)),
                    "loss of step " + (i + 1) + ": straight " + expected + ", interrupted " + actual);
        }
        Checkpoint a = CheckpointReader.read(straight.checkpoints.get(straight.checkpoints.size() - 1).file());
        Checkpoint b = CheckpointReader.read(resumed.last().file());
        float tA = a.tensors().get("head/t").data()[0];
        float tB = b.tensors().get("head/t").data()[0];
        assertTrue(tA != 0, "CurricularFace's t moved");
        assertEquals(tA, tB, 1e-4 * Math.abs(tA));
    }

    @Test
    void cancellingStopsAfterTheCurrentStepWithACheckpoint() throws IOException {
        RecordingListener events = new RecordingListener();
        Trainer[] trainer = new Trainer[1];
        trainer[0] = new Trainer(small().epochs(5).saveSteps(100).build(), dir, new RecordingListener() {
            @Override
            public void progress(Progress p) {
                events.progress(p);
                if (p.step() == 3) {
                    trainer[0].cancel();
                }
            }
        }, 2);
        TrainingEvents.Result result = trainer[0].train(SHAPES, Trainer.StartFrom.scratch());
        assertEquals(Status.CANCELLED, result.status());
        assertEquals(3, result.steps());
        assertEquals(3, events.progress.size());
        assertTrue(result.last().finalCheckpoint());
        assertEquals(3, CheckpointReader.read(result.last().file()).step());
    }

    /** With patience 1 the run ends at the first epoch whose validation loss is not a new low. */
    @Test
    void earlyStoppingEndsAtTheFirstEpochWithoutImprovement() throws IOException {
        RecordingListener events = new RecordingListener();
        TrainingEvents.Result result = new Trainer(small().epochs(12).patience(1).saveSteps(100).build(), dir, events,
                2).train(SHAPES, Trainer.StartFrom.scratch());
        List<TrainingEvents.Validation> v = events.validations;
        int firstWorse = -1;
        for (int i = 0; i < v.size() && firstWorse < 0; i++) {
            if (!v.get(i).best()) {
                firstWorse = i;
            }
        }
        assertTrue(firstWorse > 0, "the first validation is always the best so far; then " + v);
        assertEquals(Status.EARLY_STOPPED, result.status());
        assertEquals(firstWorse + 1, v.size(), "stopped right after epoch " + (firstWorse + 1));
        assertEquals(v.get(v.size() - 1).step(), result.steps());
        assertEquals(v.get(firstWorse - 1).step(), result.best().step());
        assertTrue(result.last().finalCheckpoint() && !result.last().best());
    }
}
