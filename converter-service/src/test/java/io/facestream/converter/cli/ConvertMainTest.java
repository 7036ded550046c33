package io.facestream.converter.cli;

import io.facestream.converter.TestCheckpoints;
import io.facestream.converter.TestImages;
import io.facestream.model.checkpoint.CheckpointWriter;
import io.facestream.tflite.runtime.TfliteEmbedder;
import io.facestream.tflite.runtime.TfliteOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The command line converts a checkpoint file, writes the model and the ROC plot, and prints the figures. */
class ConvertMainTest {

    @Test
    void converts_a_checkpoint_file_and_reports_the_figures(@TempDir Path dir) throws Exception {
        Path checkpoint = dir.resolve("small.ckpt");
        CheckpointWriter.write(TestCheckpoints.checkpoint(3), checkpoint);
        TestImages.writeFolders(dir.resolve("faces"), 10, 3, 72);
        TestImages.writePairs(dir.resolve("pairs.txt"), 10);
        ByteArrayOutputStream text = new ByteArrayOutputStream();

        boolean met = ConvertMain.run(new String[] {"--checkpoint", checkpoint.toString(), "--images",
                dir.resolve("faces").toString(), "--pairs", dir.resolve("pairs.txt").toString(), "--calibration",
                "20", "--validation", "6", "--threads", "1"}, new PrintStream(text, true, StandardCharsets.UTF_8));

        String printed = text.toString(StandardCharsets.UTF_8);
        assertTrue(met, printed);
        assertTrue(printed.contains("quality bounds: met"), printed);
        assertTrue(printed.contains("| MobileNetV2 64 |"), printed);
        Path model = dir.resolve("small.int8.tflite");
        try (TfliteEmbedder m = TfliteEmbedder.load(Files.readAllBytes(model), TfliteOptions.DEFAULT)) {
            assertEquals(TestCheckpoints.EMBEDDING, m.embeddingSize());
        }
        assertTrue(Files.size(dir.resolve("small.int8.roc.png")) > 0);

        assertFalse(ConvertMain.run(new String[] {"--checkpoint", checkpoint.toString(), "--images",
                dir.resolve("faces").toString(), "--min-cosine", "1", "--precision", "dynamic-range", "--out",
                dir.resolve("dr.tflite").toString()}, new PrintStream(new ByteArrayOutputStream())),
                "a model that misses a bound is reported as such");
        assertThrows(IllegalArgumentException.class, () -> ConvertMain.run(new String[] {"--images", "x"},
                System.out));
    }
}
