package io.facestream.model.eval;

import io.facestream.model.image.ImageDecoder;
import io.facestream.model.image.ImagePreprocessor;
import io.facestream.model.image.Preprocessing;
import io.facestream.model.image.RgbImage;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VerificationEvaluatorTest {

    private static final int[][] PERSON_COLOURS = {{200, 0, 0}, {0, 200, 0}, {0, 0, 200}};
    private static final int IMAGES_EACH = 4;

    /** 3 people (red, green, blue) with 4 images each, differing in a left-to-right gradient. */
    private static PairsSet colourPeople() {
        List<byte[]> images = new ArrayList<>();
        for (int[] colour : PERSON_COLOURS) {
            for (int k = 0; k < IMAGES_EACH; k++) {
                images.add(EvalTestImages.png(EvalTestImages.gradient(16, 16, colour[0], colour[1], colour[2], k + 1)));
            }
        }
        List<ImagePair> pairs = new ArrayList<>();
        for (int p = 0; p < PERSON_COLOURS.length; p++) {
            for (int i = 0; i < IMAGES_EACH; i++) {
                for (int j = i + 1; j < IMAGES_EACH; j++) {
                    pairs.add(new ImagePair(p * IMAGES_EACH + i, p * IMAGES_EACH + j, true));
                }
            }
        }
        int matched = pairs.size();
        for (int k = 0; k < matched; k++) {
            int p = k % 3;
            int q = (p + 1 + k / 3 % 2) % 3;
            pairs.add(new ImagePair(p * IMAGES_EACH + k % IMAGES_EACH, q * IMAGES_EACH + (k + 1) % IMAGES_EACH, false));
        }
        return EvalTestImages.inMemory("colours", images, pairs);
    }

    /** Mean R, G, B, and how much brighter the left half is than the right half (which a flip negates). */
    private static float[] meansAndAsymmetry(RgbImage image) {
        float[] v = new float[4];
        for (int y = 0; y < image.height(); y++) {
            for (int x = 0; x < image.width(); x++) {
                for (int c = 0; c < 3; c++) {
                    v[c] += image.sample(x, y, c);
                    v[3] += (x < image.width() / 2 ? 1 : -1) * image.sample(x, y, c);
                }
            }
        }
        return v;
    }

    private static final class CountingEmbedder implements EmbeddingFunction {
        final List<Integer> batchSizes = new ArrayList<>();

        @Override
        public float[][] embed(List<RgbImage> faces) {
            batchSizes.add(faces.size());
            return faces.stream().map(VerificationEvaluatorTest::meansAndAsymmetry).toArray(float[][]::new);
        }
    }

    @Test
    void separableIdentitiesScorePerfectlyAndEachImageIsEmbeddedOnce() throws IOException {
        PairsSet set = colourPeople();
        CountingEmbedder embedder = new CountingEmbedder();
        List<int[]> progress = new ArrayList<>();
        VerificationResult result = new VerificationEvaluator(embedder, 5, true, new ImageDecoder())
                .evaluate(set, (done, total) -> progress.add(new int[] {done, total}));

        assertEquals(18, result.matchedPairs());
        assertEquals(18, result.mismatchedPairs());
        assertEquals(12, result.images());
        assertEquals(4, result.embeddingSize());
        assertEquals(1.0, result.accuracy());
        assertEquals(0.0, result.accuracyStd());
        assertEquals(1.0, result.auc());
        assertEquals(1.0, result.tarAtFar1e3().tar());
        assertEquals(1.0, result.tarAtFar1e2().tar());
        assertEquals(10, result.folds().folds());
        assertTrue(result.summary().contains("accuracy 1.0000 ± 0.0000 over 10 folds"), result.summary());

        // 12 distinct images although the 36 pairs name 72: batches of 5 faces and their 5 mirror images
        assertEquals(List.of(10, 10, 4), embedder.batchSizes);
        assertEquals(List.of(List.of(5, 12), List.of(10, 12), List.of(12, 12)),
                progress.stream().map(p -> List.of(p[0], p[1])).toList());
    }

    @Test
    void embeddingsAreTheNormalisedSumOfImageAndMirrorImage() throws IOException {
        PairsSet set = colourPeople();
        float[][] embeddings = new VerificationEvaluator(new CountingEmbedder(), 7, true, new ImageDecoder())
                .embedAll(set, VerificationEvaluator.Progress.NONE);
        for (int i = 0; i < set.imageCount(); i++) {
            RgbImage image = new ImageDecoder().decode(set.readImage(i));
            float[] plain = meansAndAsymmetry(image);
            assertTrue(Math.abs(plain[3]) > 100, "the made-up images are asymmetric");
            double norm = Math.sqrt(plain[0] * plain[0] + plain[1] * plain[1] + plain[2] * plain[2]);
            float[] expected = {(float) (plain[0] / norm), (float) (plain[1] / norm), (float) (plain[2] / norm), 0f};
            // the asymmetry cancels only if each image is summed with its own mirror image
            assertArrayEquals(expected, embeddings[i], 1e-6f, "image " + i);
        }

        // each embedding counts by its direction only: a model that outputs its mirror images' embeddings ten times
        // longer (or normalised ones, as a TFLite artifact does) gets the same embeddings
        EmbeddingFunction longMirrors = faces -> {
            float[][] out = new CountingEmbedder().embed(faces);
            for (int i = faces.size() / 2; i < out.length; i++) {
                for (int d = 0; d < out[i].length; d++) {
                    out[i][d] *= 10;
                }
            }
            return out;
        };
        float[][] scaled = new VerificationEvaluator(longMirrors, 7, true, new ImageDecoder())
                .embedAll(set, VerificationEvaluator.Progress.NONE);
        for (int i = 0; i < set.imageCount(); i++) {
            assertArrayEquals(embeddings[i], scaled[i], 1e-6f, "image " + i);
        }

        float[][] noFlip = new VerificationEvaluator(new CountingEmbedder(), 7, false, new ImageDecoder())
                .embedAll(set, VerificationEvaluator.Progress.NONE);
        assertTrue(Math.abs(noFlip[0][3]) > 0.01, "without flips the asymmetry stays");
        double squares = 0;
        for (float x : noFlip[0]) {
            squares += x * x;
        }
        assertEquals(1.0, squares, 1e-6);
    }

    @Test
    void scoresAreCosineSimilarities() {
        float[][] unit = {{1, 0}, {0.6f, 0.8f}, {-1, 0}};
        double[] scores = VerificationEvaluator.scores(List.of(new ImagePair(0, 1, true), new ImagePair(0, 2, false),
                new ImagePair(1, 1, true)), unit);
        assertArrayEquals(new double[] {0.6, -1, 1}, scores, 1e-6);
    }

    @Test
    void tensorModelsGetTheSharedPreprocessingInOneBatch() {
        ImagePreprocessor preprocessor = new ImagePreprocessor(Preprocessing.zeroToOne(16));
        RgbImage red = EvalTestImages.gradient(16, 16, 200, 0, 0, 1);
        RgbImage blue = EvalTestImages.gradient(32, 32, 0, 0, 250, 0);
        List<Integer> seenBatches = new ArrayList<>();
        EmbeddingFunction f = EmbeddingFunction.fromTensors(preprocessor, (nhwc, batch) -> {
            seenBatches.add(batch);
            assertEquals(batch * 16 * 16 * 3, nhwc.length);
            float[][] out = new float[batch][];
            for (int b = 0; b < batch; b++) {
                int base = b * 16 * 16 * 3;
                out[b] = new float[] {nhwc[base], nhwc[base + 1], nhwc[base + 2]};
            }
            return out;
        });
        float[][] out = f.embed(List.of(red, blue));
        assertEquals(List.of(2), seenBatches);
        assertArrayEquals(new float[] {200 / 255f, 0, 0}, out[0], 1e-6f);
        assertArrayEquals(new float[] {0, 0, 250 / 255f}, out[1], 1e-6f, "32x32 downsampled to the model's 16x16");
    }

    @Test
    void brokenImagesAndBrokenModelsAreReportedClearly() {
        PairsSet broken = EvalTestImages.inMemory("broken", List.of(EvalTestImages.png(EvalTestImages.gradient(
                16, 16, 1, 2, 3, 1)), new byte[] {1, 2, 3}), List.of(new ImagePair(0, 1, true)));
        IOException e = assertThrows(IOException.class, () -> new VerificationEvaluator(new CountingEmbedder())
                .embedAll(broken, VerificationEvaluator.Progress.NONE));
        assertTrue(e.getMessage().contains("broken#1"), e.getMessage());

        PairsSet set = colourPeople();
        IllegalStateException tooFew = assertThrows(IllegalStateException.class,
                () -> new VerificationEvaluator(faces -> new float[1][4]).evaluate(set));
        assertTrue(tooFew.getMessage().contains("returned 1 embeddings for 24 images"), tooFew.getMessage());

        IllegalStateException nan = assertThrows(IllegalStateException.class, () -> new VerificationEvaluator(
                faces -> faces.stream().map(x -> new float[] {Float.NaN}).toArray(float[][]::new)).evaluate(set));
        assertTrue(nan.getMessage().contains("colours#0"), nan.getMessage());
    }
}
