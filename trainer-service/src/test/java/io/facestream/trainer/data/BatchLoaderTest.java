package io.facestream.trainer.data;

import io.facestream.model.image.ImagePreprocessor;
import io.facestream.model.image.Preprocessing;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BatchLoaderTest {

    private static final int SIZE = 16;
    private final ImagePreprocessor preprocessor = new ImagePreprocessor(Preprocessing.minusOneToOne(SIZE));

    /** Sample i is a distinct image with label i % 3. */
    private static List<FaceDataset.Sample> samples(int n) {
        List<FaceDataset.Sample> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int tag = i;
            out.add(new FaceDataset.Sample(new LabelledImage("id" + i % 3, "s" + i,
                    () -> TfRecordFiles.image(SIZE, SIZE, tag)), i % 3));
        }
        return out;
    }

    @Test
    void trainingBatchesAreFullShuffledPerEpochAndReproducible() {
        List<FaceDataset.Sample> samples = samples(11);
        BatchLoader loader = BatchLoader.training(samples, preprocessor, null, 4, 5);
        assertEquals(2, loader.batchCount()); // 11 / 4, the partial batch dropped
        // without augmentation each image is exactly its preprocessed tensor: identify the samples in a batch
        Map<String, Integer> byTensor = new HashMap<>();
        for (int i = 0; i < samples.size(); i++) {
            byTensor.put(Arrays.toString(preprocessor.toTensor(TfRecordFiles.image(SIZE, SIZE, i))), i);
        }
        List<List<Integer>> epochs = new ArrayList<>();
        for (int epoch = 0; epoch < 2; epoch++) {
            List<Integer> seen = new ArrayList<>();
            for (int b = 0; b < loader.batchCount(); b++) {
                BatchLoader.Batch batch = loader.batch(epoch, b);
                assertEquals(4, batch.size());
                for (int i = 0; i < 4; i++) {
                    float[] one = Arrays.copyOfRange(batch.images(), i * preprocessor.tensorLength(),
                            (i + 1) * preprocessor.tensorLength());
                    int sample = byTensor.get(Arrays.toString(one));
                    assertEquals(sample % 3, batch.labels()[i]);
                    seen.add(sample);
                }
            }
            assertEquals(8, seen.stream().distinct().count(), "no sample twice in an epoch");
            epochs.add(seen);
        }
        assertFalse(epochs.get(0).equals(epochs.get(1)), "each epoch has its own order");
        assertArrayEquals(loader.batch(1, 1).images(), loader.batch(1, 1).images());
    }

    @Test
    void augmentationChangesTrainingImagesOnlyAndReproducibly() {
        List<FaceDataset.Sample> samples = samples(6);
        Augmentation strong = new Augmentation(true, true, 0.5, 1.5, 10);
        BatchLoader training = BatchLoader.training(samples, preprocessor, strong, 6, 5);
        BatchLoader.Batch a = training.batch(0, 0);
        assertArrayEquals(a.images(), training.batch(0, 0).images());
        assertFalse(Arrays.equals(a.images(), training.batch(1, 0).images()));
        BatchLoader plain = BatchLoader.training(samples, preprocessor, null, 6, 5);
        assertFalse(Arrays.equals(a.images(), plain.batch(0, 0).images()));
    }

    @Test
    void evaluationBatchesKeepTheOrderAndTheRemainder() {
        List<FaceDataset.Sample> samples = samples(5);
        BatchLoader loader = BatchLoader.evaluation(samples, preprocessor, 2);
        assertEquals(3, loader.batchCount());
        BatchLoader.Batch last = loader.batch(0, 2);
        assertEquals(1, last.size());
        assertArrayEquals(preprocessor.toTensor(TfRecordFiles.image(SIZE, SIZE, 4)), last.images());
        assertArrayEquals(new int[]{0, 1}, loader.batch(7, 0).labels());
    }

    @Test
    void anUnreadableImageIsNamed() {
        List<FaceDataset.Sample> samples = new ArrayList<>(samples(2));
        samples.add(new FaceDataset.Sample(new LabelledImage("x", "broken.jpg", () -> {
            throw new java.io.IOException("disk error");
        }), 0));
        BatchLoader loader = BatchLoader.evaluation(samples, preprocessor, 3);
        java.io.UncheckedIOException e = assertThrows(java.io.UncheckedIOException.class, () -> loader.batch(0, 0));
        assertTrue(e.getMessage().contains("broken.jpg") && e.getMessage().contains("disk error"), e.getMessage());
    }

    @Test
    void aTrainingSetSmallerThanABatchIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> BatchLoader.training(samples(3), preprocessor, null, 4, 1));
    }
}
