package io.facestream.bench;

import io.facestream.tflite.SyntheticFaces;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The face images of a run as JPEG bytes: real 112x112 crops from lfw112 (read in place, spread evenly over the
 * whole set so that many people appear), or, where that folder is absent, synthetic faces encoded as JPEG.
 *
 * @param source what the images are, for the report
 */
record FaceCrops(List<byte[]> jpegs, String source) {

    static FaceCrops load(Path facesDir, int count) throws IOException {
        Path train = facesDir.resolve("train");
        if (Files.isDirectory(train)) {
            List<Path> all;
            try (Stream<Path> files = Files.walk(train)) {
                all = files.filter(f -> f.toString().endsWith(".jpg")).sorted().toList();
            }
            if (all.size() >= count) {
                List<byte[]> jpegs = new ArrayList<>();
                for (int i = 0; i < count; i++) {
                    jpegs.add(Files.readAllBytes(all.get((int) ((long) i * all.size() / count))));
                }
                return new FaceCrops(jpegs, "real face crops: " + count + " of the " + all.size() + " LFW crops in "
                        + facesDir);
            }
        }
        return new FaceCrops(synthetic(count), "SYNTHETIC faces (SyntheticFaces, JPEG): " + train
                + " is absent or holds fewer than " + count + " crops");
    }

    private static List<byte[]> synthetic(int count) {
        List<byte[]> jpegs = new ArrayList<>();
        int size = BenchModels.INPUT_SIZE;
        for (float[] face : SyntheticFaces.create(count, size, 5)) {
            BufferedImage image = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
            for (int y = 0; y < size; y++) {
                for (int x = 0; x < size; x++) {
                    int p = (y * size + x) * 3;
                    image.setRGB(x, y, pixel(face[p]) << 16 | pixel(face[p + 1]) << 8 | pixel(face[p + 2]));
                }
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try {
                ImageIO.write(image, "jpg", out);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            jpegs.add(out.toByteArray());
        }
        return jpegs;
    }

    /** [-1, 1] back to a pixel value. */
    private static int pixel(float v) {
        return Math.max(0, Math.min(255, Math.round((v + 1) * 127.5f)));
    }
}
