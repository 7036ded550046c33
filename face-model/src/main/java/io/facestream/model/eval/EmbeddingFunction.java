package io.facestream.model.eval;

import io.facestream.model.image.ImagePreprocessor;
import io.facestream.model.image.RgbImage;

import java.util.List;

/**
 * A face-embedding model as the evaluation sees it: a batch of decoded faces in, one vector per face out. The
 * trainer (TensorFlow Java), the converter (TFLite) and the eigenfaces baseline each supply their own.
 */
@FunctionalInterface
public interface EmbeddingFunction {

    /** One embedding per face, in the faces' order, all of one length. Need not be normalised. */
    float[][] embed(List<RgbImage> faces);

    /**
     * A model that takes a batch tensor: the faces go through the preprocessor (the one shared with training and
     * serving) into one NHWC float array, batch-major.
     */
    static EmbeddingFunction fromTensors(ImagePreprocessor preprocessor, TensorModel model) {
        return faces -> {
            int length = preprocessor.tensorLength();
            float[] batch = new float[faces.size() * length];
            for (int i = 0; i < faces.size(); i++) {
                preprocessor.writeTensor(faces.get(i), batch, i * length);
            }
            return model.run(batch, faces.size());
        };
    }

    /** Runs a model on batchSize images laid out as [batchSize, size, size, 3]. */
    @FunctionalInterface
    interface TensorModel {
        float[][] run(float[] nhwc, int batchSize);
    }
}
