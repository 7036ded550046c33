package io.facestream.converter.service;

import io.facestream.converter.TestCheckpoints;
import io.facestream.converter.TestImages;
import io.facestream.converter.domain.QualityBounds;
import io.facestream.converter.domain.ValidationReport;
import io.facestream.model.checkpoint.Checkpoint;
import io.facestream.model.eval.PairsSet;
import io.facestream.model.image.ImagePreprocessor;
import io.facestream.tflite.inspect.ModelInspector;
import io.facestream.tflite.inspect.ModelReport;
import io.facestream.tflite.lower.Precision;
import io.facestream.tflite.runtime.TfliteEmbedder;
import io.facestream.tflite.runtime.TfliteOptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The conversion and validation pipeline on a small real checkpoint (MobileNetV2 alpha 0.35, 64x64, 32-d) and
 * synthetic face crops on disk: every precision loads in the TFLite runtime with the checkpoint's shapes, int8 is
 * compared with float32 on validation images calibration never saw, verification runs on an LFW-format pairs set
 * for both models, and the quality bounds refuse what misses them.
 */
class ConversionPipelineTest {

    static final int PEOPLE = 12;

    @TempDir
    static Path dir;

    static Checkpoint checkpoint;
    static SampleImages images;
    static PairsSet pairs;

    @BeforeAll
    static void setUp() throws IOException {
        checkpoint = TestCheckpoints.checkpoint(3);
        Path faces = dir.resolve("faces");
        TestImages.writeFolders(faces, PEOPLE, 3, 72);
        TestImages.writePairs(dir.resolve("pairs.txt"), PEOPLE);
        List<byte[]> encoded = new FolderCalibrationSource(faces, 1 << 20).images(30);
        images = SampleImages.prepare(encoded, new ImagePreprocessor(checkpoint.spec().preprocessing()), 24, 6,
                "test faces");
        pairs = PairsSets.read(dir.resolve("pairs.txt"), faces);
    }

    @Test
    void int8_is_calibrated_validated_against_float32_and_evaluated_on_pairs() throws IOException {
        ConversionPipeline.Result r = new ConversionPipeline(2).run(checkpoint, Precision.INT8, false, images, pairs,
                ConversionPipeline.Progress.NONE);
        ValidationReport v = r.report();
        System.out.printf("int8 of %s: %d bytes (float32 %d), cosine to float32 mean %.4f min %.4f, accuracy "
                + "float32 %.4f int8 %.4f%n", checkpoint.spec().backboneType(), v.sizeBytes(), v.float32SizeBytes(),
                v.meanCosine(), v.minCosine(), v.float32().accuracy(), v.converted().accuracy());

        assertEquals("int8", v.quantization());
        assertEquals(24, v.calibrationImages());
        assertEquals(6, v.validationImages());
        assertEquals(r.model().length, v.sizeBytes());
        assertTrue(v.sizeBytes() < 0.5 * v.float32SizeBytes(), "int8 is much smaller than float32");
        assertTrue(v.meanCosine() > 0.98 && v.minCosine() <= v.meanCosine() && v.minCosine() > 0.9,
                "int8 follows float32: " + v.meanCosine() + " / " + v.minCosine());

        ModelReport inspection = ModelInspector.inspect(r.model(), "int8");
        assertEquals("FLOAT32", inspection.tensor(inspection.inputs()[0]).type(), "float input, quantized inside");
        assertTrue(inspection.operators().stream().anyMatch(o -> o.opcode().equals("QUANTIZE")));
        assertTrue(inspection.tensors().stream().anyMatch(t -> t.type().equals("INT8") && !t.isConstant()),
                "int8 activations");
        try (TfliteEmbedder m = TfliteEmbedder.load(r.model(), TfliteOptions.DEFAULT)) {
            assertEquals(TestCheckpoints.INPUT, m.inputHeight());
            assertEquals(TestCheckpoints.EMBEDDING, m.embeddingSize());
        }

        assertEquals(PEOPLE, v.float32().matchedPairs());
        assertEquals(PEOPLE, v.float32().mismatchedPairs());
        assertTrue(v.float32().accuracy() >= 0.5 && v.float32().accuracy() <= 1);
        assertEquals(v.float32().accuracy() - v.converted().accuracy(), v.accuracyDrop(), 1e-12);
        BufferedImage roc = ImageIO.read(new ByteArrayInputStream(r.rocPng()));
        assertEquals(900, roc.getWidth(), "RocPlot's width");

        Map<String, Double> figures = v.figures();
        assertEquals(v.meanCosine(), figures.get("meanCosineToFloat32"));
        assertEquals(v.converted().accuracy(), figures.get("int8.accuracy"));
        assertEquals(v.float32().tarAtFar1e3(), figures.get("float32.tarAtFar1e-3"));
        assertTrue(new QualityBounds(0.98, null, 1.0).violations(v).isEmpty());
    }

    @Test
    void float16_and_dynamic_range_are_options_without_calibration() throws IOException {
        ConversionPipeline pipeline = new ConversionPipeline(2);
        ValidationReport f16 = pipeline.run(checkpoint, Precision.FLOAT16, false, images, null,
                ConversionPipeline.Progress.NONE).report();
        ValidationReport dr = pipeline.run(checkpoint, Precision.DYNAMIC_RANGE, false, images, null,
                ConversionPipeline.Progress.NONE).report();
        assertEquals("float16", f16.quantization());
        assertEquals(0, f16.calibrationImages());
        assertTrue(f16.sizeBytes() < 0.6 * f16.float32SizeBytes());
        assertTrue(f16.minCosine() > 0.999, "float16 " + f16.minCosine());
        assertEquals("dynamic-range", dr.quantization());
        assertTrue(dr.sizeBytes() < 0.45 * dr.float32SizeBytes());
        assertTrue(dr.meanCosine() > 0.95, "dynamic range " + dr.meanCosine());
        assertNull(f16.float32(), "no pairs set, no verification figures");
        assertNull(f16.accuracyDrop());
    }

    @Test
    void uint8_input_takes_pixels() throws IOException {
        ConversionPipeline.Result r = new ConversionPipeline(2).run(checkpoint, Precision.INT8, true, images, null,
                ConversionPipeline.Progress.NONE);
        try (TfliteEmbedder m = TfliteEmbedder.load(r.model(), TfliteOptions.DEFAULT)) {
            assertTrue(m.takesPixels());
        }
        assertTrue(r.report().meanCosine() > 0.95, "uint8 input " + r.report().meanCosine());
        assertNull(r.rocPng());
    }

    @Test
    void bounds_refuse_what_misses_them_and_say_why() {
        ValidationReport v = ValidationReport.of("int8", 10, 5, 0.97, 0.90, null, null, 4000, 1000);
        List<String> defaults = new QualityBounds(0.98, null, 0.02).violations(v);
        assertEquals(1, defaults.size());
        assertTrue(defaults.get(0).contains("0.9700") && defaults.get(0).contains("min-mean-cosine"), defaults.get(0));
        List<String> strict = new QualityBounds(0.5, 0.95, 0.02).violations(v);
        assertEquals(1, strict.size());
        assertTrue(strict.get(0).contains("min-cosine"), strict.get(0));
        assertTrue(new QualityBounds(0.9, 0.9, 0.02).violations(v).isEmpty());
        assertThrows(IllegalArgumentException.class, () -> new QualityBounds(1.5, null, 0.02));
    }

    @Test
    void int8_without_calibration_images_fails_with_a_reason() {
        SampleImages onlyValidation = new SampleImages(List.of(), images.validation(), 0, "one image");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> new ConversionPipeline(1)
                .run(checkpoint, Precision.INT8, false, onlyValidation, null, ConversionPipeline.Progress.NONE));
        assertTrue(e.getMessage().contains("calibration images"), e.getMessage());
    }

    @Test
    void sample_images_keep_the_share_of_validation_images_when_fewer_exist() throws IOException {
        ImagePreprocessor p = new ImagePreprocessor(checkpoint.spec().preprocessing());
        List<byte[]> ten = new FolderCalibrationSource(dir.resolve("faces"), 1 << 20).images(10);
        List<byte[]> withGarbage = new java.util.ArrayList<>(ten);
        withGarbage.add(new byte[] {1, 2, 3});
        SampleImages few = SampleImages.prepare(withGarbage, p, 24, 6, "ten faces and garbage");
        assertEquals(8, few.calibration().size(), "what is not for validation calibrates");
        assertEquals(2, few.validation().size(), "6 of 30 requested: a fifth of the 10 usable");
        assertEquals(1, few.rejected());
        IllegalStateException none = assertThrows(IllegalStateException.class,
                () -> SampleImages.prepare(List.of(new byte[] {1, 2, 3}), p, 10, 2, "garbage"));
        assertTrue(none.getMessage().contains("no usable images"), none.getMessage());
    }
}
