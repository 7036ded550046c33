package io.facestream.trainer.data;

import io.facestream.model.image.ImagePreprocessor;
import io.facestream.model.image.ImageRejectedException;
import io.facestream.model.image.RgbImage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Turns samples into batches of preprocessed images: [count, size, size, 3] floats, row-major, with their labels.
 *
 * <p>Training batches are full (the last partial batch of an epoch is dropped, as a fixed batch size needs), in an
 * order shuffled per epoch, and augmented. Everything random derives from (seed, epoch, position), so batch i of
 * epoch e is the same whenever it is asked for: a resumed run sees exactly the batches an uninterrupted one would.
 * Evaluation batches keep the samples' order, unaugmented, the last one possibly smaller. Thread-safe.
 */
public final class BatchLoader {

    /** A batch: images [labels.length, size, size, 3] and the class of each. */
    public record Batch(float[] images, int[] labels) {
        public int size() {
            return labels.length;
        }
    }

    private final List<FaceDataset.Sample> samples;
    private final ImagePreprocessor preprocessor;
    private final Augmentation augmentation;
    private final int batchSize;
    private final long seed;
    private final boolean training;

    private BatchLoader(List<FaceDataset.Sample> samples, ImagePreprocessor preprocessor, Augmentation augmentation,
                        int batchSize, long seed, boolean training) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be at least 1, got " + batchSize);
        }
        this.samples = List.copyOf(samples);
        this.preprocessor = preprocessor;
        this.augmentation = augmentation;
        this.batchSize = batchSize;
        this.seed = seed;
        this.training = training;
    }

    /** Shuffled, augmented, full batches; needs at least one batch worth of samples. */
    public static BatchLoader training(List<FaceDataset.Sample> samples, ImagePreprocessor preprocessor,
                                       Augmentation augmentation, int batchSize, long seed) {
        if (samples.size() < batchSize) {
            throw new IllegalArgumentException("a batch of " + batchSize + " needs at least as many training images, "
                    + "got " + samples.size());
        }
        return new BatchLoader(samples, preprocessor, augmentation, batchSize, seed, true);
    }

    /** The samples in order, as they are, in batches of up to batchSize. */
    public static BatchLoader evaluation(List<FaceDataset.Sample> samples, ImagePreprocessor preprocessor,
                                         int batchSize) {
        return new BatchLoader(samples, preprocessor, null, batchSize, 0, false);
    }

    /** Batches in an epoch. */
    public int batchCount() {
        return training ? samples.size() / batchSize : (samples.size() + batchSize - 1) / batchSize;
    }

    public int sampleCount() {
        return samples.size();
    }

    /**
     * Batch index of the given epoch (evaluation batches do not depend on the epoch). An image that cannot be read
     * fails the batch with an UncheckedIOException or ImageRejectedException naming the image.
     */
    public Batch batch(int epoch, int index) {
        if (index < 0 || index >= batchCount()) {
            throw new IndexOutOfBoundsException("batch " + index + " of " + batchCount());
        }
        List<Integer> order = training ? epochOrder(epoch) : null;
        int start = index * batchSize;
        int count = Math.min(batchSize, samples.size() - start);
        int length = preprocessor.tensorLength();
        float[] images = new float[count * length];
        int[] labels = new int[count];
        for (int i = 0; i < count; i++) {
            int position = start + i;
            FaceDataset.Sample sample = samples.get(training ? order.get(position) : position);
            RgbImage image = load(sample);
            if (training && augmentation != null) {
                augmentation.writeTensor(image, preprocessor, new Random(mix(seed, epoch, position)), images,
                        i * length);
            } else {
                preprocessor.writeTensor(image, images, i * length);
            }
            labels[i] = sample.label();
        }
        return new Batch(images, labels);
    }

    private List<Integer> epochOrder(int epoch) {
        List<Integer> order = new ArrayList<>(samples.size());
        for (int i = 0; i < samples.size(); i++) {
            order.add(i);
        }
        Collections.shuffle(order, new Random(mix(seed, epoch, -1)));
        return order;
    }

    private static RgbImage load(FaceDataset.Sample sample) {
        String origin = sample.image().origin();
        try {
            return sample.image().load();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read training image " + origin + ": " + e.getMessage(), e);
        } catch (ImageRejectedException e) {
            throw new ImageRejectedException(e.reason(), "training image " + origin + " (" + e.getMessage() + ")", e);
        }
    }

    /** A well-spread seed from three numbers (SplitMix64's finaliser on a combination). */
    static long mix(long seed, long epoch, long position) {
        long z = seed * 0x9E3779B97F4A7C15L + epoch * 0xC2B2AE3D27D4EB4FL + position * 0x165667B19E3779F9L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
