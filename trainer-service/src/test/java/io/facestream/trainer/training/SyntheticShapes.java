package io.facestream.trainer.training;

import io.facestream.model.image.RgbImage;
import io.facestream.trainer.data.LabelledImage;
import io.facestream.trainer.data.LabelledImageSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A small labelled data set drawn in memory: class k is a shape (disc, square, cross or bar) in a colour, drawn at a
 * jittered position and size on a noisy background. Deterministic for a seed.
 */
final class SyntheticShapes implements LabelledImageSource {

    private static final int[][] COLOURS = {{220, 40, 40}, {40, 200, 60}, {50, 80, 230}, {230, 200, 40}};

    private final int classes;
    private final int imagesPerClass;
    private final int size;
    private final long seed;

    SyntheticShapes(int classes, int imagesPerClass, int size, long seed) {
        this.classes = classes;
        this.imagesPerClass = imagesPerClass;
        this.size = size;
        this.seed = seed;
    }

    @Override
    public String description() {
        return classes + " synthetic shape classes x " + imagesPerClass;
    }

    @Override
    public List<LabelledImage> images() {
        List<LabelledImage> images = new ArrayList<>();
        for (int k = 0; k < classes; k++) {
            for (int i = 0; i < imagesPerClass; i++) {
                RgbImage image = draw(k, new Random(seed * 1_000_003L + k * 1009L + i));
                images.add(new LabelledImage("class_" + (char) ('a' + k), "synthetic " + k + "/" + i, () -> image));
            }
        }
        return images;
    }

    private RgbImage draw(int k, Random random) {
        int[] colour = COLOURS[k % COLOURS.length];
        int shape = (k / COLOURS.length) % 4;
        byte[] rgb = new byte[size * size * 3];
        double cx = size / 2.0 + (random.nextDouble() - 0.5) * size * 0.3;
        double cy = size / 2.0 + (random.nextDouble() - 0.5) * size * 0.3;
        double r = size * (0.22 + random.nextDouble() * 0.1);
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                double dx = x - cx;
                double dy = y - cy;
                boolean inside = switch (shape) {
                    case 0 -> dx * dx + dy * dy <= r * r;
                    case 1 -> Math.abs(dx) <= r && Math.abs(dy) <= r;
                    case 2 -> Math.abs(dx) <= r / 3 && Math.abs(dy) <= r || Math.abs(dy) <= r / 3 && Math.abs(dx) <= r;
                    default -> Math.abs(dy) <= r / 3 && Math.abs(dx) <= r;
                };
                int p = (y * size + x) * 3;
                for (int c = 0; c < 3; c++) {
                    int base = inside ? colour[c] : 110;
                    int v = base + (int) (random.nextGaussian() * 18);
                    rgb[p + c] = (byte) Math.max(0, Math.min(255, v));
                }
            }
        }
        return new RgbImage(size, size, rgb);
    }
}
