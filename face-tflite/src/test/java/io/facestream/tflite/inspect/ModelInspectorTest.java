package io.facestream.tflite.inspect;

import io.facestream.tflite.SmallModel;
import io.facestream.tflite.quant.Int8Options;
import io.facestream.tflite.runtime.TfliteModelException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelInspectorTest {

    private final SmallModel model = SmallModel.get();

    @Test
    void listsTheFloatModel() {
        ModelReport r = ModelInspector.inspect(model.float32, "float32");
        assertEquals(3, r.schemaVersion());
        assertEquals(model.float32.length, r.sizeBytes());
        // MobileNet: conv1 and 13 pointwise convolutions, 13 depthwise, 5 paddings; output layer: its first batch
        // norm (after a ReLU6, so unfoldable: a 1x1 depthwise), flatten, dense with the second folded in; then L2
        assertEquals(Map.of("PAD v1", 5, "CONV_2D v1", 14, "DEPTHWISE_CONV_2D v1", 14, "RESHAPE v1", 1,
                "FULLY_CONNECTED v1", 1, "L2_NORMALIZATION v1", 1), r.operatorCounts());
        ModelReport.TensorEntry in = r.tensor(r.inputs()[0]);
        assertEquals("input_image", in.name());
        assertEquals("FLOAT32", in.type());
        assertArrayEquals(new int[] {1, 40, 40, 3}, in.shape());
        ModelReport.TensorEntry out = r.tensor(r.outputs()[0]);
        assertEquals("FLOAT32", out.type());
        assertArrayEquals(new int[] {1, 32}, out.shape());
        assertTrue(r.tensors().stream().allMatch(t -> t.scales().length == 0), "a float model has no quantization");
        assertTrue(r.constantBytes() > 0.95 * r.sizeBytes(), "almost all of the file is weights");
    }

    @Test
    void listsTheInt8ModelWithItsQuantization() {
        byte[] int8 = model.lowered.int8(model.ranges, Int8Options.floatInput());
        ModelReport r = ModelInspector.inspect(int8, "int8");
        assertEquals(Map.of("QUANTIZE v1", 1, "PAD v2", 5, "CONV_2D v3", 14, "DEPTHWISE_CONV_2D v3", 14,
                "RESHAPE v1", 1, "FULLY_CONNECTED v4", 1, "DEQUANTIZE v2", 1, "L2_NORMALIZATION v1", 1),
                r.operatorCounts());
        assertEquals("FLOAT32", r.tensor(r.inputs()[0]).type());
        assertEquals("FLOAT32", r.tensor(r.outputs()[0]).type());
        int checked = 0;
        for (ModelReport.Operator op : r.operators()) {
            boolean conv = op.opcode().equals("CONV_2D");
            boolean depthwise = op.opcode().equals("DEPTHWISE_CONV_2D");
            if (!conv && !depthwise && !op.opcode().equals("FULLY_CONNECTED")) {
                continue;
            }
            ModelReport.TensorEntry input = r.tensor(op.inputs()[0]);
            ModelReport.TensorEntry weights = r.tensor(op.inputs()[1]);
            ModelReport.TensorEntry bias = r.tensor(op.inputs()[2]);
            ModelReport.TensorEntry output = r.tensor(op.outputs()[0]);
            int channels = output.shape()[output.shape().length - 1];
            assertEquals("INT8", input.type());
            assertEquals("INT8", weights.type());
            assertEquals(channels, weights.channelCount(), "per-channel weight scales");
            assertEquals(depthwise ? 3 : 0, weights.quantizedDimension());
            assertTrue(Arrays.stream(weights.zeroPoints()).allMatch(z -> z == 0), "symmetric weights");
            assertEquals("INT32", bias.type());
            for (int c = 0; c < channels; c++) { // the rule the runtime never checks
                assertEquals(input.scales()[0] * weights.scales()[c], bias.scales()[c],
                        1e-6 * bias.scales()[c], op + " channel " + c);
            }
            assertEquals(1, output.scales().length);
            checked++;
        }
        assertEquals(29, checked);
        String text = r.toText();
        assertTrue(text.contains("CONV_2D v3 x14"), text);
        assertTrue(text.contains("per-channel 32 scales (axis 0, zero points 0)"), text);
    }

    @Test
    void mainPrintsAFile(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("m.tflite");
        Files.write(file, model.float32);
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            TfliteInspect.main(new String[] {file.toString()});
        } finally {
            System.setOut(original);
        }
        String out = captured.toString(StandardCharsets.UTF_8);
        assertTrue(out.startsWith("size: " + model.float32.length + " bytes"), out);
        assertTrue(out.contains("input: input_image FLOAT32[1, 40, 40, 3]"), out);
        assertTrue(out.contains("DEPTHWISE_CONV_2D v1 x14"), out);
    }

    @Test
    void refusesWhatIsNotAModel() {
        TfliteModelException x = assertThrows(TfliteModelException.class,
                () -> ModelInspector.inspect(Arrays.copyOf(model.float32, 5000), "half.tflite"));
        assertTrue(x.getMessage().contains("half.tflite failed TFLite FlatBuffer verification"), x.getMessage());
    }
}
