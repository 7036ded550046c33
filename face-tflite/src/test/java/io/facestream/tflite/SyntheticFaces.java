package io.facestream.tflite;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Deterministic face-like images, preprocessed to [-1, 1] (JHFace's training range): a lit background, a skin
 * ellipse with darker eyes, brows and mouth, varying in position, size, colour and light per image, plus noise.
 * Smooth structures like real crops, rather than white noise, whose statistics no face network ever sees.
 */
public final class SyntheticFaces {

    private SyntheticFaces() {
    }

    public static List<float[]> create(int count, int size, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<float[]> images = new ArrayList<>();
        for (int n = 0; n < count; n++) {
            images.add(face(size, random));
        }
        return images;
    }

    private static float[] face(int size, SplittableRandom r) {
        double cx = size * (0.5 + 0.08 * (r.nextDouble() - 0.5));
        double cy = size * (0.52 + 0.08 * (r.nextDouble() - 0.5));
        double rx = size * (0.30 + 0.06 * r.nextDouble());
        double ry = size * (0.38 + 0.06 * r.nextDouble());
        double[] skin = {150 + 80 * r.nextDouble(), 100 + 70 * r.nextDouble(), 80 + 60 * r.nextDouble()};
        double[] back = {255 * r.nextDouble(), 255 * r.nextDouble(), 255 * r.nextDouble()};
        double lightX = r.nextDouble() - 0.5;
        double eyeY = cy - 0.18 * ry * 2;
        double eyeDx = rx * 0.42;
        double mouthY = cy + 0.45 * ry;
        float[] img = new float[size * size * 3];
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                double dx = (x - cx) / rx;
                double dy = (y - cy) / ry;
                boolean inFace = dx * dx + dy * dy <= 1;
                double shade = 1 + 0.35 * lightX * (x - size / 2.0) / size;
                for (int c = 0; c < 3; c++) {
                    double v = inFace ? skin[c] : back[c] * (0.7 + 0.3 * y / size);
                    if (inFace) {
                        v *= 1 - 0.25 * (dx * dx + dy * dy); // rounded, darker towards the edge
                        if (blob(x, y, cx - eyeDx, eyeY, rx * 0.16, ry * 0.07)
                                || blob(x, y, cx + eyeDx, eyeY, rx * 0.16, ry * 0.07)) {
                            v = 40;
                        } else if (blob(x, y, cx - eyeDx, eyeY - ry * 0.15, rx * 0.22, ry * 0.03)
                                || blob(x, y, cx + eyeDx, eyeY - ry * 0.15, rx * 0.22, ry * 0.03)) {
                            v *= 0.4;
                        } else if (blob(x, y, cx, mouthY, rx * 0.35, ry * 0.06)) {
                            v = c == 0 ? 150 : 60;
                        }
                    }
                    v = v * shade + 6 * (r.nextDouble() - 0.5);
                    v = Math.max(0, Math.min(255, v));
                    img[(y * size + x) * 3 + c] = (float) (v / 127.5 - 1);
                }
            }
        }
        return img;
    }

    private static boolean blob(int x, int y, double cx, double cy, double rx, double ry) {
        double dx = (x - cx) / rx;
        double dy = (y - cy) / ry;
        return dx * dx + dy * dy <= 1;
    }

    /** Images one after another, as a batch input. */
    public static float[] concat(List<float[]> images) {
        int len = images.get(0).length;
        float[] all = new float[len * images.size()];
        for (int i = 0; i < images.size(); i++) {
            System.arraycopy(images.get(i), 0, all, i * len, len);
        }
        return all;
    }
}
