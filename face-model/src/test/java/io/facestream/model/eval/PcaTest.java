package io.facestream.model.eval;

import io.facestream.model.image.RgbImage;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PcaTest {

    /** n samples: mean + 5 * t * direction + 0.1 * noise, t and noise standard normal. */
    private static double[][] alongDirection(double[] direction, int n, long seed) {
        Random random = new Random(seed);
        double[][] samples = new double[n][direction.length];
        for (int i = 0; i < n; i++) {
            double t = 5 * random.nextGaussian();
            for (int j = 0; j < direction.length; j++) {
                samples[i][j] = 10 + j + t * direction[j] + 0.1 * random.nextGaussian();
            }
        }
        return samples;
    }

    private static double[] unit(double... v) {
        double norm = Math.sqrt(dot(v, v));
        double[] u = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            u[i] = v[i] / norm;
        }
        return u;
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    @Test
    void recoversTheDominantDirection() {
        double[] direction = unit(1, 2, 0, -1, 0, 3);
        Pca pca = Pca.fit(alongDirection(direction, 400, 1), 2);
        assertArrayEquals(direction, pca.component(0), 0.01, "sign fixed: the largest entry (3) positive");
        assertEquals(25, pca.variance(0), 4, "variance along it: 5^2");
        assertEquals(0.01, pca.variance(1), 0.005, "what is left is the 0.1 noise");
        assertArrayEquals(new double[] {10, 11, 12, 13, 14, 15}, pca.mean(), 0.8);
    }

    @Test
    void bothRoutesSolveTheCovarianceEigenproblem() {
        // 200 samples of dimension 20 go through the 20x20 scatter matrix, 30 of dimension 80 through the Gram matrix
        for (int[] shape : new int[][] {{200, 20}, {30, 80}}) {
            int n = shape[0];
            int d = shape[1];
            Random random = new Random(n);
            double[][] samples = new double[n][d];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < d; j++) {
                    // unequal spreads per coordinate, plus a shared factor, so the spectrum is not flat
                    samples[i][j] = random.nextGaussian() * (1 + j % 7) + (j < 5 ? 3 * samples[i][0] : 0);
                }
            }
            Pca pca = Pca.fit(samples, 5);
            double[][] covariance = covariance(samples);
            for (int c = 0; c < 5; c++) {
                double[] v = pca.component(c);
                assertEquals(1.0, dot(v, v), 1e-9);
                double[] cv = multiply(covariance, v);
                for (int j = 0; j < d; j++) {
                    assertEquals(pca.variance(c) * v[j], cv[j], 1e-8 * pca.variance(0),
                            n + "x" + d + " component " + c);
                }
                for (int other = 0; other < c; other++) {
                    assertEquals(0.0, dot(v, pca.component(other)), 1e-9, "orthogonal");
                }
                if (c > 0) {
                    assertTrue(pca.variance(c) <= pca.variance(c - 1), "sorted by variance");
                }
            }
        }
    }

    @Test
    void whitenedProjectionsOfTheTrainingSamplesHaveUnitVariance() {
        double[][] samples = alongDirection(unit(3, -1, 2, 0.5), 300, 2);
        Pca pca = Pca.fit(samples, 3);
        for (int c = 0; c < 3; c++) {
            double sum = 0;
            double squares = 0;
            for (double[] x : samples) {
                double y = pca.project(x, true)[c];
                sum += y;
                squares += y * y;
            }
            assertEquals(0.0, sum / samples.length, 1e-6, "centred");
            assertEquals(1.0, squares / (samples.length - 1), 1e-4, "component " + c);
        }
        float[] raw = pca.project(samples[0], false);
        float[] white = pca.project(samples[0], true);
        assertEquals(raw[0] / Math.sqrt(pca.variance(0)), white[0], 1e-4);
    }

    @Test
    void refusesMoreComponentsThanTheDataHas() {
        double[][] line = {{0, 0, 0}, {1, 1, 1}, {2, 2, 2}, {3, 3, 3}};
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Pca.fit(line, 2));
        assertTrue(e.getMessage().contains("vary along only 1 directions"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Pca.fit(line, 4), "at most n - 1 components");
        assertThrows(IllegalArgumentException.class, () -> Pca.fit(new double[][] {{1, 2}}, 1));
    }

    @Test
    void eigenfacesFindTheDominantPatternInImages() {
        // grey 16x16 faces: a left-bright / right-dark pattern of random strength on a constant grey, plus noise
        Random random = new Random(4);
        List<RgbImage> faces = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            faces.add(patterned(random.nextInt(81) - 40, random));
        }
        Eigenfaces model = Eigenfaces.fit(faces, new Eigenfaces.Options(16, true, 3, false, 1.0));
        assertEquals(60, model.trainingFaces());
        assertEquals(256, model.pca().dimension());

        double[] pattern = new double[256];
        for (int p = 0; p < 256; p++) {
            pattern[p] = p % 16 < 8 ? 1 : -1;
        }
        double cosine = dot(unit(pattern), model.pca().component(0));
        assertTrue(Math.abs(cosine) > 0.99, "first eigenface is the pattern: cosine " + cosine);

        float[][] embedded = model.embed(List.of(patterned(30, new Random(9)), patterned(-30, new Random(9))));
        assertEquals(3, embedded[0].length);
        assertTrue(embedded[0][0] * embedded[1][0] < 0, "opposite strengths land on opposite sides");
        // strengths 30 and -30 differ by 60 grey levels a pixel: 60/255 * sqrt(256) along the unit pattern
        assertEquals(60 / 255.0 * 16, Math.abs(embedded[0][0] - embedded[1][0]), 0.05);
    }

    @Test
    void eigenfacesCropAndColourOptionsShapeTheVector() {
        RgbImage face = EvalTestImages.gradient(40, 40, 10, 20, 30, 2);
        List<RgbImage> faces = List.of(face, face.flipHorizontal(), EvalTestImages.gradient(40, 40, 90, 20, 30, 1));
        Eigenfaces rgb = Eigenfaces.fit(faces, new Eigenfaces.Options(20, false, 2, true, 0.5));
        assertEquals(20 * 20 * 3, rgb.vector(face).length);
        // the centre half (20x20 from x = 10) is already the target size: values are its pixels / 255
        assertEquals((10 + 2 * 10) / 255.0, rgb.vector(face)[0], 1e-6);
        assertEquals((30 + 2 * 29) / 255.0, rgb.vector(face)[19 * 3 + 2], 1e-6);
        Eigenfaces grey = Eigenfaces.fit(faces, new Eigenfaces.Options(20, true, 2, true, 1.0));
        assertEquals(400, grey.vector(face).length);
        assertThrows(IllegalArgumentException.class, () -> new Eigenfaces.Options(8, true, 2, true, 1.0));
        assertThrows(IllegalArgumentException.class, () -> new Eigenfaces.Options(32, true, 2, true, 0));
    }

    private static RgbImage patterned(int strength, Random noise) {
        byte[] rgb = new byte[16 * 16 * 3];
        for (int p = 0; p < 256; p++) {
            int value = 128 + (p % 16 < 8 ? strength : -strength) + noise.nextInt(5) - 2;
            rgb[3 * p] = (byte) value;
            rgb[3 * p + 1] = (byte) value;
            rgb[3 * p + 2] = (byte) value;
        }
        return new RgbImage(16, 16, rgb);
    }

    private static double[][] covariance(double[][] samples) {
        int n = samples.length;
        int d = samples[0].length;
        double[] mean = new double[d];
        for (double[] x : samples) {
            for (int j = 0; j < d; j++) {
                mean[j] += x[j] / n;
            }
        }
        double[][] c = new double[d][d];
        for (double[] x : samples) {
            for (int a = 0; a < d; a++) {
                for (int b = 0; b < d; b++) {
                    c[a][b] += (x[a] - mean[a]) * (x[b] - mean[b]) / (n - 1);
                }
            }
        }
        return c;
    }

    private static double[] multiply(double[][] m, double[] v) {
        double[] out = new double[m.length];
        for (int i = 0; i < m.length; i++) {
            out[i] = dot(m[i], v);
        }
        return out;
    }
}
