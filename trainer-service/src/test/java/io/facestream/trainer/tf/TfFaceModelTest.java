package io.facestream.trainer.tf;

import io.facestream.model.FaceModelSpec;
import io.facestream.model.checkpoint.Checkpoint;
import io.facestream.model.checkpoint.CheckpointReader;
import io.facestream.model.checkpoint.CheckpointWriter;
import io.facestream.model.checkpoint.FloatTensor;
import io.facestream.model.graph.GraphBuilder;
import io.facestream.model.graph.GraphBuilder.T;
import io.facestream.model.graph.ModelGraph;
import io.facestream.model.graph.Padding;
import io.facestream.model.graph.Shape;
import io.facestream.model.head.HeadConfig;
import io.facestream.model.head.HeadState;
import io.facestream.model.head.HeadType;
import io.facestream.model.pretrained.PretrainedWeights;
import io.facestream.model.pretrained.WeightMatchReport;
import io.jhdf.HdfFile;
import io.jhdf.WritableHdfFile;
import io.jhdf.api.WritableGroup;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TfFaceModelTest {

    @TempDir
    Path dir;

    /**
     * Export to a checkpoint file and import into a fresh model: the same tensors bit for bit, the same embeddings,
     * and the next step (Adam's moments and step count, AdaCos' scale) gives the same loss in both.
     */
    @Test
    void aCheckpointRestoresWeightsSlotsAndHeadState() throws IOException {
        FaceModelSpec spec = new FaceModelSpec("MobileFaceNet", 1.0, 32, 16, 0.5, 5e-4,
                HeadConfig.defaults(HeadType.ADACOS, 4), null);
        Random random = new Random(2);
        float[] batch = GraphLoweringTest.randomImages(random, 8, 32 * 32 * 3);
        int[] labels = {0, 1, 2, 3, 0, 1, 2, 3};
        Path file = dir.resolve("model.ckpt");
        Map<String, FloatTensor> saved;
        TfFaceModel.StepResult next;
        float[][] embeddings;
        HeadState state;
        try (TfFaceModel model = TfFaceModel.training(spec, OptimizerSettings.adam(), 2)) {
            model.initialize(1);
            for (long step = 0; step < 3; step++) {
                model.trainStep(batch, labels, 1e-3, step, 9);
            }
            state = model.headState();
            assertNotEquals(HeadState.initial(spec.head()).scale(), state.scale(), "AdaCos adapted its scale");
            saved = model.exportTensors();
            CheckpointWriter.write(Checkpoint.of(spec, saved, 3, 0, Instant.now(), Map.of(), Map.of()), file);
            embeddings = model.embed(batch, 8);
            next = model.trainStep(batch, labels, 1e-3, 3, 9);
        }
        Checkpoint checkpoint = CheckpointReader.read(file);
        try (TfFaceModel restored = TfFaceModel.training(spec, OptimizerSettings.adam(), 2)) {
            restored.importTensors(checkpoint.tensors());
            assertEquals(saved, restored.exportTensors());
            assertEquals(state, restored.headState());
            assertArrayEquals(embeddings[5], restored.embed(batch, 8)[5]);
            TfFaceModel.StepResult again = restored.trainStep(batch, labels, 1e-3, 3, 9);
            assertEquals(next.loss(), again.loss(), 1e-5 * Math.abs(next.loss()));
        }
        try (TfFaceModel inference = TfFaceModel.inference(checkpoint, 1)) {
            assertArrayEquals(embeddings[2], inference.embed(batch, 8)[2]);
            assertThrows(IllegalStateException.class, () -> inference.evaluate(batch, labels));
        }
    }

    @Test
    void importRefusesUnknownNamesAndWrongShapesWithoutLoadingAnything() {
        ModelGraph graph = tinyGraph();
        try (TfFaceModel model = TfFaceModel.inference(graph, 1)) {
            model.initialize(1);
            Map<String, FloatTensor> before = model.exportTensors();
            IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> model.importTensors(
                    Map.of("conv1/bias", FloatTensor.zeros(Shape.of(4)), "conv9/kernel",
                            FloatTensor.zeros(Shape.of(1)))));
            assertTrue(unknown.getMessage().contains("conv9/kernel"), unknown.getMessage());
            IllegalArgumentException shape = assertThrows(IllegalArgumentException.class,
                    () -> model.importTensors(Map.of("fc/kernel", FloatTensor.zeros(Shape.of(5, 4)))));
            assertTrue(shape.getMessage().contains("[4, 5]"), shape.getMessage());
            assertEquals(before, model.exportTensors());
        }
    }

    /** Keras .h5 weights load by layer and weight name; what the file lacks keeps its initial value. */
    @Test
    void pretrainedH5WeightsLoadByName() throws IOException {
        Path h5 = dir.resolve("pretrained.h5");
        float[] gamma = {1.5f, 2f, 2.5f, 3f};
        float[][][][] kernel = new float[3][3][3][4];
        kernel[1][2][0][3] = 7f;
        try (WritableHdfFile file = HdfFile.write(h5)) {
            file.putAttribute("layer_names", new String[]{"conv1", "bn1"});
            WritableGroup conv1 = file.putGroup("conv1");
            conv1.putAttribute("weight_names", new String[]{"conv1/kernel:0"});
            conv1.putGroup("conv1").putDataset("kernel:0", kernel);
            WritableGroup bn1 = file.putGroup("bn1");
            bn1.putAttribute("weight_names", new String[]{"bn1/gamma:0"});
            bn1.putGroup("bn1").putDataset("gamma:0", gamma);
        }
        ModelGraph graph = tinyGraph();
        try (TfFaceModel model = TfFaceModel.training(graph, HeadConfig.defaults(HeadType.ARCFACE, 3), 0,
                OptimizerSettings.sgd(0.9, true), 1)) {
            model.initialize(4);
            Map<String, FloatTensor> initial = model.exportTensors();
            WeightMatchReport report = model.importPretrained(PretrainedWeights.load(h5, graph));
            assertEquals(List.of("conv1/kernel", "bn1/gamma"), report.matched());
            Map<String, FloatTensor> loaded = model.exportTensors();
            assertArrayEquals(gamma, loaded.get("bn1/gamma").data());
            assertEquals(7f, loaded.get("conv1/kernel").data()[((1 * 3 + 2) * 3) * 4 + 3]);
            assertEquals(initial.get("fc/kernel"), loaded.get("fc/kernel"));
            assertEquals(initial.get("head/kernel"), loaded.get("head/kernel"));
        }
    }

    /** Keras' initialisers: glorot uniform within sqrt(6 / (fan_in + fan_out)), ones, zeros; seeded. */
    @Test
    void initialisationFollowsKeras() {
        ModelGraph graph = tinyGraph();
        try (TfFaceModel model = TfFaceModel.inference(graph, 1)) {
            model.initialize(11);
            Map<String, FloatTensor> t = model.exportTensors();
            float[] kernel = t.get("conv1/kernel").data(); // [3, 3, 3, 4]: fans 27 and 36
            double limit = Math.sqrt(6.0 / (27 + 36));
            double sumSquares = 0;
            for (float v : kernel) {
                assertTrue(Math.abs(v) <= limit);
                sumSquares += v * v;
            }
            // the variance of U(-l, l) is l^2 / 3
            assertEquals(limit * limit / 3, sumSquares / kernel.length, 0.3 * limit * limit / 3);
            assertArrayEquals(new float[]{1, 1, 1, 1}, t.get("bn1/gamma").data());
            assertArrayEquals(new float[]{1, 1, 1, 1}, t.get("bn1/moving_variance").data());
            assertArrayEquals(new float[4], t.get("bn1/moving_mean").data());
            assertArrayEquals(new float[5], t.get("fc/bias").data());
            model.initialize(11);
            assertEquals(t, model.exportTensors());
            model.initialize(12);
            assertNotEquals(t.get("conv1/kernel"), model.exportTensors().get("conv1/kernel"));
        }
    }

    /** input 8x8x3 -> conv1 (3x3, 4 filters, bias) -> bn1 -> relu -> gap -> fc (5 units, bias). */
    private static ModelGraph tinyGraph() {
        GraphBuilder b = new GraphBuilder();
        T x = b.input("input_1", 8, 8, 3);
        x = b.conv("conv1", x, 4, 3, 1, Padding.SAME, true);
        x = b.batchNorm("bn1", x, 1e-3, 0.99);
        x = b.relu("relu", x);
        x = b.globalAvgPool("gap", x, false);
        x = b.dense("fc", x, 5, true);
        return b.build("tiny", x);
    }
}
