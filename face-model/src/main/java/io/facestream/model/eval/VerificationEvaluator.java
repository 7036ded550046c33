package io.facestream.model.eval;

import io.facestream.model.image.ImageDecoder;
import io.facestream.model.image.ImageRejectedException;
import io.facestream.model.image.RgbImage;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Face verification on a {@link PairsSet}, the JHFace / arcface-tf2 way: every distinct image is embedded once,
 * together with its mirror image; the two embeddings are each L2-normalised, summed and normalised again (so a model
 * whose output is already normalised, as a TFLite artifact's is, and its raw form score alike); a pair's score is the cosine
 * similarity of its two images; accuracy follows LFW's 10-fold protocol ({@link VerificationMetrics#kFold}), and
 * TAR at FAR = 1e-3 and 1e-2, the ROC curve and its AUC are computed over all pairs.
 */
public final class VerificationEvaluator {

    public static final int LFW_FOLDS = 10;

    /** Told after each batch how many of the set's images are embedded. */
    @FunctionalInterface
    public interface Progress {
        Progress NONE = (done, total) -> { };

        void update(int done, int total);
    }

    private final EmbeddingFunction embedder;
    private final int facesPerBatch;
    private final boolean withFlip;
    private final ImageDecoder decoder;

    /** 32 faces a batch (64 images with their mirror images), flips on, default decoder limits. */
    public VerificationEvaluator(EmbeddingFunction embedder) {
        this(embedder, 32, true, new ImageDecoder());
    }

    /**
     * @param embedder      the model
     * @param facesPerBatch distinct images per call of the model; with flips each call gets twice as many images,
     *                      the faces first, then their mirror images in the same order
     * @param withFlip      whether to add each image's mirror image's (normalised) embedding
     * @param decoder       decodes the set's JPEG / PNG bytes
     */
    public VerificationEvaluator(EmbeddingFunction embedder, int facesPerBatch, boolean withFlip,
                                 ImageDecoder decoder) {
        if (embedder == null || decoder == null) {
            throw new IllegalArgumentException("embedder and decoder are required");
        }
        if (facesPerBatch < 1) {
            throw new IllegalArgumentException("facesPerBatch must be at least 1, got " + facesPerBatch);
        }
        this.embedder = embedder;
        this.facesPerBatch = facesPerBatch;
        this.withFlip = withFlip;
        this.decoder = decoder;
    }

    public VerificationResult evaluate(PairsSet set) throws IOException {
        return evaluate(set, Progress.NONE);
    }

    public VerificationResult evaluate(PairsSet set, Progress progress) throws IOException {
        long start = System.nanoTime();
        float[][] embeddings = embedAll(set, progress);
        Duration embeddingTime = Duration.ofNanos(System.nanoTime() - start);
        List<ImagePair> pairs = set.pairs();
        boolean[] same = new boolean[pairs.size()];
        for (int i = 0; i < same.length; i++) {
            same[i] = pairs.get(i).same();
        }
        return VerificationResult.fromScores(set.name(), scores(pairs, embeddings), same, set.imageCount(),
                embeddings.length == 0 ? 0 : embeddings[0].length, LFW_FOLDS, embeddingTime);
    }

    /** The L2-normalised embedding of every image of the set, indexed like the set's images. */
    public float[][] embedAll(PairsSet set, Progress progress) throws IOException {
        int total = set.imageCount();
        float[][] embeddings = new float[total][];
        for (int from = 0; from < total; from += facesPerBatch) {
            int to = Math.min(total, from + facesPerBatch);
            List<RgbImage> batch = new ArrayList<>(2 * (to - from));
            for (int image = from; image < to; image++) {
                batch.add(decode(set, image));
            }
            if (withFlip) {
                for (int i = 0; i < to - from; i++) {
                    batch.add(batch.get(i).flipHorizontal());
                }
            }
            float[][] out = embedder.embed(batch);
            if (out == null || out.length != batch.size()) {
                throw new IllegalStateException("the embedding function returned "
                        + (out == null ? "null" : out.length + " embeddings") + " for " + batch.size() + " images");
            }
            for (int i = 0; i < out.length; i++) {
                if (out[i] == null) {
                    throw new IllegalStateException("the embedding function returned null for image " + i
                            + " of a batch");
                }
            }
            int dimension = embeddings[0] == null ? out[0].length : embeddings[0].length;
            for (int i = 0; i < to - from; i++) {
                String image = set.imageLabel(from + i);
                float[] sum = normalise(out[i].clone(), dimension, image);
                if (withFlip) {
                    add(sum, normalise(out[i + to - from].clone(), dimension, image + " (mirrored)"));
                }
                embeddings[from + i] = normalise(sum, dimension, image);
            }
            progress.update(to, total);
        }
        return embeddings;
    }

    /** Cosine similarity of each pair, given normalised embeddings (their dot product). */
    public static double[] scores(List<ImagePair> pairs, float[][] normalised) {
        double[] scores = new double[pairs.size()];
        for (int p = 0; p < scores.length; p++) {
            float[] a = normalised[pairs.get(p).first()];
            float[] b = normalised[pairs.get(p).second()];
            double dot = 0;
            for (int i = 0; i < a.length; i++) {
                dot += (double) a[i] * b[i];
            }
            scores[p] = dot;
        }
        return scores;
    }

    private RgbImage decode(PairsSet set, int image) throws IOException {
        try {
            return decoder.decode(set.readImage(image));
        } catch (ImageRejectedException e) {
            throw new IOException("cannot use " + set.imageLabel(image) + ": " + e.getMessage(), e);
        }
    }

    private static void add(float[] sum, float[] other) {
        if (other.length != sum.length) {
            throw new IllegalStateException("the embedding function returned embeddings of lengths " + sum.length
                    + " and " + other.length + " in one batch");
        }
        for (int i = 0; i < sum.length; i++) {
            sum[i] += other[i];
        }
    }

    /** Unit length; a zero vector stays zero (it then scores 0 against everything). */
    private static float[] normalise(float[] v, int dimension, String image) {
        if (v.length != dimension || dimension == 0) {
            throw new IllegalStateException("the embedding of " + image + " has length " + v.length
                    + ", expected " + dimension);
        }
        double squares = 0;
        for (float x : v) {
            if (!Float.isFinite(x)) {
                throw new IllegalStateException("the embedding of " + image + " holds " + x);
            }
            squares += (double) x * x;
        }
        if (squares > 0) {
            float scale = (float) (1 / Math.sqrt(squares));
            for (int i = 0; i < v.length; i++) {
                v[i] *= scale;
            }
        }
        return v;
    }
}
