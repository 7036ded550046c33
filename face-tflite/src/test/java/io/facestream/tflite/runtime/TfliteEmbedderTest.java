package io.facestream.tflite.runtime;

import io.facestream.model.image.Preprocessing;
import io.facestream.tflite.SmallModel;
import io.facestream.tflite.UnsupportedOperatorModel;
import io.facestream.tflite.SyntheticFaces;
import io.facestream.tflite.Vectors;
import io.facestream.tflite.lower.ElementType;
import io.facestream.tflite.lower.FlatBufferWriter;
import io.facestream.tflite.lower.OpOptions;
import io.facestream.tflite.lower.Opcode;
import io.facestream.tflite.lower.TfliteProgram;
import io.facestream.tflite.quant.Int8Options;
import org.junit.jupiter.api.Test;
import org.tensorflow.lite.schema.Model;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TfliteEmbedderTest {

    private final SmallModel model = SmallModel.get();

    @Test
    void describesTheModel() {
        try (TfliteEmbedder e = TfliteEmbedder.load(model.float32, TfliteOptions.DEFAULT)) {
            assertEquals(SmallModel.SIZE, e.inputHeight());
            assertEquals(SmallModel.SIZE, e.inputWidth());
            assertEquals(3, e.inputChannels());
            assertEquals(SmallModel.EMBEDDING, e.embeddingSize());
            assertFalse(e.takesPixels());
        }
    }

    @Test
    void batchesGiveTheSameEmbeddingsAsSingleImages() {
        List<float[]> images = SyntheticFaces.create(5, SmallModel.SIZE, 9);
        try (TfliteEmbedder e = TfliteEmbedder.load(model.float32, TfliteOptions.threads(2))) {
            float[][] batch = e.embed(SyntheticFaces.concat(images), images.size());
            float[][] pair = e.embed(SyntheticFaces.concat(images.subList(3, 5)), 2);
            for (int i = 0; i < images.size(); i++) {
                float[] single = e.embed(images.get(i));
                assertEquals(1.0, Vectors.norm(single), 1e-5);
                assertTrue(Vectors.maxAbsDiff(single, batch[i]) < 1e-5, "image " + i);
            }
            assertTrue(Vectors.maxAbsDiff(pair[1], batch[4]) < 1e-5);
        }
    }

    @Test
    void refusesInputOfTheWrongSize() {
        try (TfliteEmbedder e = TfliteEmbedder.load(model.float32, TfliteOptions.DEFAULT)) {
            IllegalArgumentException x = assertThrows(IllegalArgumentException.class,
                    () -> e.embed(new float[100], 1));
            assertTrue(x.getMessage().contains("expected 1 images of 40x40x3 = 4800 values, got 100"),
                    x.getMessage());
            assertThrows(IllegalArgumentException.class, () -> e.embed(new float[4800], 2));
            assertThrows(IllegalArgumentException.class, () -> e.embed(new float[0], 0));
            IllegalArgumentException pixels = assertThrows(IllegalArgumentException.class,
                    () -> e.embedPixels(new byte[4800], 1));
            assertTrue(pixels.getMessage().contains("takes float32 input"), pixels.getMessage());
        }
    }

    @Test
    void garbageTruncatedAndTamperedModelsAreRefused() {
        byte[] good = model.float32;
        byte[] garbage = new byte[4096];
        new Random(1).nextBytes(garbage);
        assertRefused(garbage, "not a TFLite model: file identifier");
        assertRefused(Arrays.copyOf(good, 4), "only 4 bytes");

        byte[] garbageWithId = garbage.clone();
        System.arraycopy("TFL3".getBytes(), 0, garbageWithId, 4, 4);
        assertRefused(garbageWithId, "failed TFLite FlatBuffer verification");

        assertRefused(Arrays.copyOf(good, good.length / 2), "failed TFLite FlatBuffer verification");

        byte[] badRoot = good.clone(); // the root table offset points past the end
        badRoot[3] = 0x7f;
        assertRefused(badRoot, "failed TFLite FlatBuffer verification");

        assertRefused(UnsupportedOperatorModel.of(good), "custom operators this runtime does not have: ["
                + UnsupportedOperatorModel.CUSTOM_CODE + "]");
    }

    /**
     * Verification covers the FlatBuffer's structure, not the values of the weights: a changed weight still
     * loads and gives other embeddings. Artifacts travel with a SHA-256 digest for that.
     */
    @Test
    void verificationDoesNotCoverWeightValues() {
        byte[] changed = model.float32.clone();
        Model m = Model.getRootAsModel(ByteBuffer.wrap(changed).order(ByteOrder.LITTLE_ENDIAN));
        int largest = 1;
        for (int b = 1; b < m.buffersLength(); b++) {
            if (m.buffers(b).dataLength() > m.buffers(largest).dataLength()) {
                largest = b;
            }
        }
        int start = m.buffers(largest).dataAsByteBuffer().position();
        for (int i = 0; i < 2000; i++) { // swap two runs of weights: the floats stay valid
            byte t = changed[start + i];
            changed[start + i] = changed[start + 2000 + i];
            changed[start + 2000 + i] = t;
        }
        float[] image = model.calibration.get(0);
        try (TfliteEmbedder a = TfliteEmbedder.load(model.float32, TfliteOptions.DEFAULT);
             TfliteEmbedder b = TfliteEmbedder.load(changed, TfliteOptions.DEFAULT)) {
            assertTrue(Vectors.maxAbsDiff(a.embed(image), b.embed(image)) > 1e-3);
        }
    }

    @Test
    void loadsFromFilesAndRefusesBadOnes(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("model.tflite");
        Files.write(file, model.float32);
        float[] image = model.calibration.get(1);
        try (TfliteEmbedder fromFile = TfliteEmbedder.load(file, TfliteOptions.DEFAULT);
             TfliteEmbedder fromBytes = TfliteEmbedder.load(model.float32, TfliteOptions.DEFAULT)) {
            assertArrayEquals(fromBytes.embed(image), fromFile.embed(image), 1e-6f);
        }
        Path truncated = dir.resolve("truncated.tflite");
        Files.write(truncated, Arrays.copyOf(model.float32, 10_000));
        TfliteModelException x = assertThrows(TfliteModelException.class,
                () -> TfliteEmbedder.load(truncated, TfliteOptions.DEFAULT));
        assertTrue(x.getMessage().contains(truncated + " failed TFLite FlatBuffer verification"), x.getMessage());
        assertThrows(NoSuchFileException.class,
                () -> TfliteEmbedder.load(dir.resolve("missing.tflite"), TfliteOptions.DEFAULT));
    }

    @Test
    void refusesModelsThatAreNotEmbedders() {
        TfliteProgram twoOutputs = new TfliteProgram("two outputs");
        int in = twoOutputs.addActivation("in", ElementType.FLOAT32, new int[] {1, 4, 4, 3}, null);
        int a = twoOutputs.addActivation("a", ElementType.FLOAT32, new int[] {1, 4, 4, 3}, null);
        int b = twoOutputs.addActivation("b", ElementType.FLOAT32, new int[] {1, 4, 4, 3}, null);
        twoOutputs.addOp(Opcode.RELU, new int[] {in}, new int[] {a}, OpOptions.NONE);
        twoOutputs.addOp(Opcode.RELU6, new int[] {in}, new int[] {b}, OpOptions.NONE);
        twoOutputs.addInput(in);
        twoOutputs.addOutput(a);
        twoOutputs.addOutput(b);
        TfliteModelException x = assertThrows(TfliteModelException.class,
                () -> TfliteEmbedder.load(FlatBufferWriter.write(twoOutputs), TfliteOptions.DEFAULT));
        assertTrue(x.getMessage().contains("1 inputs and 2 outputs"), x.getMessage());

        TfliteProgram map = new TfliteProgram("feature map out");
        int mapIn = map.addActivation("in", ElementType.FLOAT32, new int[] {1, 4, 4, 3}, null);
        int mapOut = map.addActivation("out", ElementType.FLOAT32, new int[] {1, 4, 4, 3}, null);
        map.addOp(Opcode.RELU, new int[] {mapIn}, new int[] {mapOut}, OpOptions.NONE);
        map.addInput(mapIn);
        map.addOutput(mapOut);
        TfliteModelException y = assertThrows(TfliteModelException.class,
                () -> TfliteEmbedder.load(FlatBufferWriter.write(map), TfliteOptions.DEFAULT));
        assertTrue(y.getMessage().contains("is not a vector [1, E]"), y.getMessage());
    }

    @Test
    void closedModelsAreUnusableAndCloseTwiceIsHarmless() {
        TfliteModel m = TfliteModel.load(model.float32, TfliteOptions.DEFAULT);
        assertEquals(1, m.inputCount());
        m.close();
        m.close();
        IllegalStateException x = assertThrows(IllegalStateException.class, m::invoke);
        assertTrue(x.getMessage().contains("is closed"));
    }

    /** JHFace's int8 recipe with uint8 input: the model takes pixels, quantized as the preprocessing says. */
    @Test
    void uint8InputModelTakesPixels() {
        byte[] int8 = model.lowered.int8(model.ranges,
                Int8Options.uint8Input(Preprocessing.minusOneToOne(SmallModel.SIZE)));
        List<float[]> images = SyntheticFaces.create(3, SmallModel.SIZE, 4);
        float[] floats = SyntheticFaces.concat(images);
        byte[] pixels = new byte[floats.length];
        float[] exact = new float[floats.length]; // the floats those pixels stand for
        for (int i = 0; i < floats.length; i++) {
            int p = Math.max(0, Math.min(255, Math.round((floats[i] + 1) * 127.5f)));
            pixels[i] = (byte) p;
            exact[i] = p / 127.5f - 1;
        }
        try (TfliteEmbedder f = TfliteEmbedder.load(model.float32, TfliteOptions.DEFAULT);
             TfliteEmbedder q = TfliteEmbedder.load(int8, TfliteOptions.DEFAULT)) {
            assertTrue(q.takesPixels());
            try (TfliteModel raw = TfliteModel.load(int8, TfliteOptions.DEFAULT)) {
                TensorInfo in = raw.input(0);
                assertEquals(TensorInfo.UINT8, in.type());
                assertEquals(1 / 127.5f, in.scale(), 1e-7f);
                // pixel p means (p - zero point) * scale: the preprocessing's p / 127.5 - 1 within half a step
                for (int p = 0; p < 256; p++) {
                    assertEquals(p / 127.5 - 1, (p - in.zeroPoint()) * in.scale(), 0.5 * in.scale() + 1e-6);
                }
            }
            float[][] reference = f.embed(exact, images.size());
            float[][] fromPixels = q.embedPixels(pixels, images.size());
            float[][] fromFloats = q.embed(exact, images.size());
            for (int i = 0; i < images.size(); i++) {
                assertTrue(Vectors.cosine(reference[i], fromPixels[i]) > 0.95, "pixels, image " + i);
                assertTrue(Vectors.cosine(reference[i], fromFloats[i]) > 0.95, "floats, image " + i);
            }
        }
    }

    private static void assertRefused(byte[] bytes, String message) {
        TfliteModelException x = assertThrows(TfliteModelException.class,
                () -> TfliteEmbedder.load(bytes, TfliteOptions.DEFAULT));
        assertTrue(x.getMessage().contains(message), x.getMessage());
    }
}
