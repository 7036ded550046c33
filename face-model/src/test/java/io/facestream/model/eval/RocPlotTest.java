package io.facestream.model.eval;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RocPlotTest {

    private static RocCurve curve(double separation, long seed) {
        Random random = new Random(seed);
        double[] scores = new double[4000];
        boolean[] same = new boolean[4000];
        for (int i = 0; i < scores.length; i++) {
            same[i] = i % 2 == 0;
            scores[i] = random.nextGaussian() + (same[i] ? separation : 0);
        }
        return VerificationMetrics.roc(scores, same);
    }

    @Test
    void writesADecodablePngWithEveryCurve(@TempDir Path dir) throws IOException {
        Path png = dir.resolve("plots").resolve("roc.png");
        RocPlot.write(png, "float32 vs int8", List.of(new RocPlot.Curve("float32", curve(3, 1)),
                new RocPlot.Curve("int8", curve(2.5, 2))));

        assertTrue(Files.size(png) > 10_000, "a plot with text and curves, got " + Files.size(png) + " bytes");
        BufferedImage image = ImageIO.read(png.toFile());
        assertNotNull(image, "decodable PNG");
        assertEquals(RocPlot.WIDTH, image.getWidth());
        assertEquals(50 + 560 + 70 + 2 * 22 + 10, image.getHeight(), "one legend row a curve");

        int blue = 0;
        int red = 0;
        int white = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                int rgb = image.getRGB(x, y) & 0xFFFFFF;
                blue += rgb == 0x1F77B4 ? 1 : 0;
                red += rgb == 0xD62728 ? 1 : 0;
                white += rgb == 0xFFFFFF ? 1 : 0;
            }
        }
        assertTrue(blue > 500, "first curve drawn: " + blue + " pixels");
        assertTrue(red > 500, "second curve drawn: " + red + " pixels");
        assertTrue(white > image.getWidth() * image.getHeight() / 2, "mostly white background");
    }

    @Test
    void refusesAnEmptyPlot() {
        assertThrows(IllegalArgumentException.class, () -> RocPlot.render("nothing", List.of()));
    }
}
