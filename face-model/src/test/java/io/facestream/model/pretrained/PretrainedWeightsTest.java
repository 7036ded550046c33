package io.facestream.model.pretrained;

import io.facestream.model.graph.GraphBuilder;
import io.facestream.model.graph.GraphBuilder.T;
import io.facestream.model.graph.ModelGraph;
import io.facestream.model.graph.Padding;
import io.facestream.model.graph.Shape;
import io.facestream.model.pretrained.WeightMatchReport.ShapeMismatch;
import io.jhdf.HdfFile;
import io.jhdf.WritableHdfFile;
import io.jhdf.api.WritableGroup;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PretrainedWeightsTest {

    @TempDir
    Path dir;

    /** input 8x8x3 -> conv1 (3x3, 4 filters, bias) -> bn1 -> relu -> gap -> fc (5 units, bias). */
    private static ModelGraph convBnDense() {
        GraphBuilder b = new GraphBuilder();
        T x = b.input("input_1", 8, 8, 3);
        x = b.conv("conv1", x, 4, 3, 1, Padding.SAME, true);
        x = b.batchNorm("bn1", x, 1e-3, 0.99);
        x = b.relu("relu", x);
        x = b.globalAvgPool("gap", x, false);
        x = b.dense("fc", x, 5, true);
        return b.build("tiny", x);
    }

    /** A distinct value per kernel position, so layout errors show. */
    private static float kernelValue(int a, int b, int c, int d) {
        return a * 1000 + b * 100 + c * 10 + d + 0.5f;
    }

    private static float[][][][] conv1Kernel() {
        float[][][][] k = new float[3][3][3][4];
        for (int a = 0; a < 3; a++) {
            for (int b = 0; b < 3; b++) {
                for (int c = 0; c < 3; c++) {
                    for (int d = 0; d < 4; d++) {
                        k[a][b][c][d] = kernelValue(a, b, c, d);
                    }
                }
            }
        }
        return k;
    }

    /**
     * Keras' layout for convBnDense's weights, minus bn1/moving_variance and fc/bias, with fc/kernel transposed
     * (wrong shape) and a classifier layer the graph does not have.
     */
    private static void writeKerasLayers(WritableGroup root) {
        root.putAttribute("layer_names",
                new String[] {"input_1", "conv1", "bn1", "relu", "gap", "fc", "predictions"});
        root.putGroup("input_1"); // no weights; jhdf cannot write an empty weight_names, which the loader tolerates
        WritableGroup conv1 = root.putGroup("conv1");
        conv1.putAttribute("weight_names", new String[] {"conv1/kernel:0", "conv1/bias:0"});
        WritableGroup conv1Vars = conv1.putGroup("conv1");
        conv1Vars.putDataset("kernel:0", conv1Kernel());
        conv1Vars.putDataset("bias:0", new float[] {0.1f, 0.2f, 0.3f, 0.4f});
        WritableGroup bn1 = root.putGroup("bn1");
        bn1.putAttribute("weight_names", new String[] {"bn1/gamma:0", "bn1/beta:0", "bn1/moving_mean:0"});
        WritableGroup bn1Vars = bn1.putGroup("bn1");
        bn1Vars.putDataset("gamma:0", new float[] {1f, 2f, 3f, 4f});
        bn1Vars.putDataset("beta:0", new float[] {-1f, -2f, -3f, -4f});
        bn1Vars.putDataset("moving_mean:0", new float[] {0.5f, 0.5f, 0.5f, 0.5f});
        root.putGroup("relu");
        root.putGroup("gap");
        WritableGroup fc = root.putGroup("fc");
        fc.putAttribute("weight_names", new String[] {"fc/kernel:0"});
        fc.putGroup("fc").putDataset("kernel:0", new float[5][4]);
        WritableGroup predictions = root.putGroup("predictions");
        predictions.putAttribute("weight_names", new String[] {"predictions/kernel:0"});
        predictions.putGroup("predictions").putDataset("kernel:0", new float[4][10]);
    }

    private static void assertTinyReport(WeightMatchReport report, String pathPrefix) {
        assertEquals(List.of("conv1/kernel", "conv1/bias", "bn1/gamma", "bn1/beta", "bn1/moving_mean"),
                report.matched());
        assertEquals(List.of("bn1/moving_variance", "fc/bias"), report.missing());
        assertEquals(List.of(new ShapeMismatch("fc/kernel", Shape.of(4, 5), List.of(5, 4))),
                report.shapeMismatches());
        assertEquals(List.of(pathPrefix + "predictions/predictions/kernel:0"), report.unused());
        assertFalse(report.complete());
    }

    @Test
    void saveWeightsLayoutMatchesByLayerWeightNameAndShape() throws IOException {
        Path h5 = dir.resolve("save_weights.h5");
        try (WritableHdfFile file = HdfFile.write(h5)) {
            file.putAttribute("keras_version", "2.15.0");
            writeKerasLayers(file);
        }
        ModelGraph graph = convBnDense();
        PretrainedWeights weights = PretrainedWeights.load(h5, graph);
        assertTinyReport(weights.report(), "");

        float[] kernel = weights.tensors().get("conv1/kernel");
        assertEquals(3 * 3 * 3 * 4, kernel.length);
        assertEquals(kernelValue(0, 0, 0, 0), kernel[0]);
        assertEquals(kernelValue(1, 2, 0, 3), kernel[((1 * 3 + 2) * 3 + 0) * 4 + 3]); // row-major [kh, kw, in, out]
        assertEquals(kernelValue(2, 2, 2, 3), kernel[kernel.length - 1]);
        assertArrayEquals(new float[] {1f, 2f, 3f, 4f}, weights.tensor(graph.weights().get(2)));
        assertEquals(List.of("conv1/kernel", "conv1/bias", "bn1/gamma", "bn1/beta", "bn1/moving_mean"),
                List.copyOf(weights.tensors().keySet()));
        String summary = weights.report().summary();
        assertTrue(summary.startsWith("5 of 8 weights loaded; missing 2"), summary);
    }

    @Test
    void modelSaveLayoutReadsTheModelWeightsGroupOnly() throws IOException {
        Path h5 = dir.resolve("model_save.h5");
        try (WritableHdfFile file = HdfFile.write(h5)) {
            file.putAttribute("model_config", "{\"class_name\": \"Functional\"}");
            file.putAttribute("keras_version", "2.15.0");
            writeKerasLayers(file.putGroup("model_weights"));
            // optimizer slots share layer names: they must neither match nor be reported
            file.putGroup("optimizer_weights").putGroup("Adam").putGroup("conv1").putDataset("kernel:0",
                    new float[3][3][3][4]);
        }
        PretrainedWeights weights = PretrainedWeights.load(h5, convBnDense());
        assertTinyReport(weights.report(), "model_weights/");
        assertEquals(kernelValue(0, 1, 2, 3), weights.tensors().get("conv1/kernel")[((0 * 3 + 1) * 3 + 2) * 4 + 3]);
    }

    /** input -> conv1 (2x2, 4 filters, no bias) -> Conv_BatchNorm: Keras' "Conv/BatchNorm" as the zoo names it. */
    private static ModelGraph convWithSlashNamedBn(int height) {
        GraphBuilder b = new GraphBuilder();
        T x = b.input("input_1", height, height, 3);
        x = b.conv("conv1", x, 4, 2, 1, Padding.VALID, false);
        x = b.batchNorm("Conv_BatchNorm", x, 1e-3, 0.999);
        return b.build("slashes", x);
    }

    @Test
    void nestedModelAndSlashLayerNamesMatchTheZoosNodeNames() throws IOException {
        // a face model saved with its backbone as one nested layer: the backbone's weight names carry the inner
        // layer names, and MobileNetV3-style "Conv/BatchNorm" is a chain of groups
        Path h5 = dir.resolve("nested.h5");
        try (WritableHdfFile file = HdfFile.write(h5)) {
            file.putAttribute("layer_names", new String[] {"backbone"});
            WritableGroup backbone = file.putGroup("backbone");
            backbone.putAttribute("weight_names", new String[] {"conv1/kernel:0", "Conv/BatchNorm/gamma:0",
                    "Conv/BatchNorm/beta:0", "Conv/BatchNorm/moving_mean:0", "Conv/BatchNorm/moving_variance:0"});
            backbone.putGroup("conv1").putDataset("kernel:0", new float[2][2][3][4]);
            WritableGroup bn = backbone.putGroup("Conv").putGroup("BatchNorm");
            bn.putDataset("gamma:0", new float[] {1f, 1f, 1f, 1f});
            bn.putDataset("beta:0", new float[] {0f, 0f, 0f, 0f});
            bn.putDataset("moving_mean:0", new float[] {0f, 1f, 2f, 3f});
            bn.putDataset("moving_variance:0", new float[] {1f, 1f, 1f, 1f});
        }
        ModelGraph graph = convWithSlashNamedBn(6);
        PretrainedWeights weights = PretrainedWeights.load(h5, graph);
        assertTrue(weights.report().complete(), weights.report().summary());
        assertEquals(5, weights.report().matched().size());
        assertTrue(weights.report().unused().isEmpty());
        assertArrayEquals(new float[] {0f, 1f, 2f, 3f}, weights.tensors().get("Conv_BatchNorm/moving_mean"));

        // with names taken literally, nothing of the BN matches: its tensors are unused, its weights missing
        PretrainedWeights literal = PretrainedWeights.load(h5, graph, UnaryOperator.identity());
        assertEquals(List.of("conv1/kernel"), literal.report().matched());
        assertEquals(4, literal.report().missing().size());
        assertTrue(literal.report().unused().contains("backbone/Conv/BatchNorm/gamma:0"), literal.report().unused()
                .toString());
    }

    @Test
    void layerGroupWithoutWeightNamesIsWalked() throws IOException {
        Path h5 = dir.resolve("walked.h5");
        try (WritableHdfFile file = HdfFile.write(h5)) {
            file.putAttribute("layer_names", new String[] {"conv1", "Conv/BatchNorm"});
            file.putGroup("conv1").putGroup("conv1").putDataset("kernel:0", new float[2][2][3][4]);
            WritableGroup vars = file.putGroup("Conv").putGroup("BatchNorm").putGroup("Conv").putGroup("BatchNorm");
            vars.putDataset("gamma:0", new float[4]);
            vars.putDataset("moving_variance:0", new float[4]);
        }
        WeightMatchReport report = PretrainedWeights.load(h5, convWithSlashNamedBn(6)).report();
        assertEquals(List.of("conv1/kernel", "Conv_BatchNorm/gamma", "Conv_BatchNorm/moving_variance"),
                report.matched());
        assertEquals(List.of("Conv_BatchNorm/beta", "Conv_BatchNorm/moving_mean"), report.missing());
    }

    @Test
    void readsAFileWrittenByH5pyTheWayKerasWritesIt() throws IOException {
        // made by keras-h5py-layout.py (beside the .h5): superblock v0 and symbol-table groups from the HDF5 C
        // library, fixed-length byte-string attributes, an empty weight_names stored as an empty float64 array,
        // and one float64 tensor
        Path h5 = dir.resolve("keras-h5py-layout.h5");
        try (InputStream in = getClass().getResourceAsStream("keras-h5py-layout.h5")) {
            assertNotNull(in, "test resource keras-h5py-layout.h5");
            Files.copy(in, h5);
        }
        PretrainedWeights weights = PretrainedWeights.load(h5, convWithSlashNamedBn(4));
        WeightMatchReport report = weights.report();
        assertTrue(report.complete(), report.summary());
        assertEquals(List.of("model_weights/predictions/predictions/kernel:0"), report.unused());
        float[] kernel = weights.tensors().get("conv1/kernel");
        for (int i = 0; i < kernel.length; i++) {
            assertEquals(i * 0.5f, kernel[i]); // np.arange(48).reshape(2, 2, 3, 4) * 0.5, row-major
        }
        assertArrayEquals(new float[] {0.25f, 0.5f, 0.75f, 1f}, weights.tensors().get("Conv_BatchNorm/moving_mean"));
        assertArrayEquals(new float[] {1.5f, 1.5f, 1.5f, 1.5f}, weights.tensors().get("Conv_BatchNorm/gamma"));
    }

    @Test
    void filesThatAreNotKerasWeightsAreRefusedClearly() throws IOException {
        assertThrows(NoSuchFileException.class, () -> PretrainedWeights.load(dir.resolve("absent.h5"),
                convBnDense()));

        Path text = Files.writeString(dir.resolve("text.h5"), "not an HDF5 file at all");
        IOException notHdf5 = assertThrows(IOException.class, () -> PretrainedWeights.load(text, convBnDense()));
        assertTrue(notHdf5.getMessage().contains("not a readable HDF5 file"), notHdf5.getMessage());

        Path plain = dir.resolve("plain.h5");
        try (WritableHdfFile file = HdfFile.write(plain)) {
            file.putDataset("data", new float[] {1f, 2f});
        }
        IOException notKeras = assertThrows(IOException.class, () -> PretrainedWeights.load(plain, convBnDense()));
        assertTrue(notKeras.getMessage().contains("layer_names"), notKeras.getMessage());
    }
}
