package io.facestream.converter;

import io.facestream.tflite.SyntheticFaces;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Synthetic face crops on disk, in LFW's layout ({@code <root>/<Person>/<Person>_NNNN.jpg}): each person is one
 * synthetic face (face-tflite's SyntheticFaces), each of their images that face shifted by a pixel or two with
 * its own noise, so that a person's images resemble each other more than other people's. Plus an LFW pairs file.
 */
public final class TestImages {

    private TestImages() {
    }

    public static String person(int p) {
        return String.format(Locale.ROOT, "Person_%02d", p);
    }

    /** Writes people x imagesEach JPEGs of size x size under root. */
    public static void writeFolders(Path root, int people, int imagesEach, int size) throws IOException {
        for (int p = 0; p < people; p++) {
            float[] face = SyntheticFaces.create(1, size, 1000 + p).get(0);
            Path dir = root.resolve(person(p));
            Files.createDirectories(dir);
            SplittableRandom random = new SplittableRandom(p);
            for (int k = 1; k <= imagesEach; k++) {
                BufferedImage image = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
                int dx = random.nextInt(-2, 3);
                int dy = random.nextInt(-2, 3);
                for (int y = 0; y < size; y++) {
                    for (int x = 0; x < size; x++) {
                        int sx = Math.max(0, Math.min(size - 1, x + dx));
                        int sy = Math.max(0, Math.min(size - 1, y + dy));
                        int rgb = 0;
                        for (int c = 0; c < 3; c++) {
                            double v = (face[(sy * size + sx) * 3 + c] + 1) * 127.5 + 10 * (random.nextDouble() - 0.5);
                            rgb = (rgb << 8) | (int) Math.max(0, Math.min(255, Math.round(v)));
                        }
                        image.setRGB(x, y, rgb);
                    }
                }
                ImageIO.write(image, "jpg", dir.resolve(String.format(Locale.ROOT, "%s_%04d.jpg", person(p), k))
                        .toFile());
            }
        }
    }

    /** An LFW pairs file over those folders: per person one matched pair (images 1, 2), one mismatched pair. */
    public static void writePairs(Path file, int people) throws IOException {
        List<String> lines = new ArrayList<>();
        lines.add(String.valueOf(people));
        for (int p = 0; p < people; p++) {
            lines.add(person(p) + "\t1\t2");
        }
        for (int p = 0; p < people; p++) {
            lines.add(person(p) + "\t1\t" + person((p + 1) % people) + "\t2");
        }
        Files.write(file, lines);
    }
}
