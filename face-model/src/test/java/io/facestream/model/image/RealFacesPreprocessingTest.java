package io.facestream.model.image;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Real 112x112 LFW face crops from the shared data folder (system property facestream.faces.dir), when present. */
class RealFacesPreprocessingTest {

    @Test
    void realFaceJpegsBecome112x112x3TensorsInRange() throws IOException {
        String dir = System.getProperty("facestream.faces.dir", "../shared/data/lfw112");
        Path train = Path.of(dir, "train");
        assumeTrue(Files.isDirectory(train), "skipped: no real face crops at " + train.toAbsolutePath()
                + " (set -Dfacestream.faces.dir to the lfw112 folder to run this test)");
        List<Path> jpegs;
        try (Stream<Path> files = Files.walk(train, 2)) {
            jpegs = files.filter(p -> p.toString().endsWith(".jpg")).sorted().limit(8).toList();
        }
        assertEquals(8, jpegs.size(), "expected at least 8 JPEGs under " + train);

        ImagePreprocessor minusOne = new ImagePreprocessor(Preprocessing.minusOneToOne(112));
        ImagePreprocessor zeroOne = new ImagePreprocessor(Preprocessing.zeroToOne(112));
        for (Path jpeg : jpegs) {
            RgbImage face = minusOne.decoder().decode(Files.readAllBytes(jpeg));
            assertEquals(112, face.width(), jpeg.toString());
            assertEquals(112, face.height(), jpeg.toString());
            assertSame(face, minusOne.fit(face), "already the input size: no resampling");

            float[] t = minusOne.toTensor(face);
            assertEquals(112 * 112 * 3, t.length);
            float min = Float.MAX_VALUE;
            float max = -Float.MAX_VALUE;
            double sum = 0;
            for (float v : t) {
                min = Math.min(min, v);
                max = Math.max(max, v);
                sum += v;
            }
            assertTrue(min >= -1f && max <= 1f, jpeg + ": values in [" + min + ", " + max + "]");
            assertTrue(max - min > 0.5f, jpeg + ": a real face has contrast, got range " + (max - min));

            float[] u = zeroOne.toTensor(face);
            double mean = sum / t.length;
            double mean01 = 0;
            for (float v : u) {
                assertTrue(v >= 0f && v <= 1f, jpeg + ": " + v);
                mean01 += v;
            }
            mean01 /= u.length;
            assertEquals(mean01 * 2 - 1, mean, 1e-4, "[0,1] and [-1,1] describe the same pixels");
        }
    }
}
