package io.facestream.model.eval;

import io.facestream.model.image.RgbImage;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/** Small made-up images for the evaluation tests. */
final class EvalTestImages {

    private EvalTestImages() {
    }

    /** A width x height image whose pixel (x, y) has the given colour, plus a gradient brightening to the right. */
    static RgbImage gradient(int width, int height, int red, int green, int blue, int step) {
        byte[] rgb = new byte[width * height * 3];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int p = (y * width + x) * 3;
                rgb[p] = (byte) Math.min(255, red + step * x);
                rgb[p + 1] = (byte) Math.min(255, green + step * x);
                rgb[p + 2] = (byte) Math.min(255, blue + step * x);
            }
        }
        return new RgbImage(width, height, rgb);
    }

    static byte[] png(RgbImage image) {
        BufferedImage buffered = new BufferedImage(image.width(), image.height(), BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < image.height(); y++) {
            for (int x = 0; x < image.width(); x++) {
                buffered.setRGB(x, y, image.sample(x, y, 0) << 16 | image.sample(x, y, 1) << 8 | image.sample(x, y, 2));
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(buffered, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** A PairsSet over in-memory encoded images. */
    static PairsSet inMemory(String name, List<byte[]> images, List<ImagePair> pairs) {
        List<byte[]> copy = new ArrayList<>(images);
        return new PairsSet() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public List<ImagePair> pairs() {
                return pairs;
            }

            @Override
            public int imageCount() {
                return copy.size();
            }

            @Override
            public String imageLabel(int image) {
                return name + "#" + image;
            }

            @Override
            public byte[] readImage(int image) {
                return copy.get(image).clone();
            }
        };
    }
}
