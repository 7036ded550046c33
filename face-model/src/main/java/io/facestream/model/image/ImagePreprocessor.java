package io.facestream.model.image;

import io.facestream.model.image.Preprocessing.ColorOrder;

import java.nio.FloatBuffer;

/**
 * The one way an image becomes a model input, shared by training, calibration and serving: decode
 * ({@link ImageDecoder}), fit to a square of {@link Preprocessing#inputSize()} ({@link #fit}: shorter side resized
 * with area averaging when shrinking, bilinear when enlarging, then the centre square kept), then each 8-bit sample
 * mapped through {@link Preprocessing#normalize(int)} in the record's colour order, height x width x channels
 * (HWC, the NHWC layout of TensorFlow and TFLite without the batch axis). Thread-safe.
 */
public final class ImagePreprocessor {

    private final Preprocessing preprocessing;
    private final ImageDecoder decoder;
    /** normalize(v) for v in 0..255, so every path produces bit-identical floats. */
    private final float[] normalized = new float[256];

    public ImagePreprocessor(Preprocessing preprocessing) {
        this(preprocessing, new ImageDecoder());
    }

    public ImagePreprocessor(Preprocessing preprocessing, ImageDecoder decoder) {
        if (preprocessing == null || decoder == null) {
            throw new IllegalArgumentException("preprocessing and decoder are required");
        }
        this.preprocessing = preprocessing;
        this.decoder = decoder;
        for (int v = 0; v < 256; v++) {
            normalized[v] = preprocessing.normalize(v);
        }
    }

    public Preprocessing preprocessing() {
        return preprocessing;
    }

    public ImageDecoder decoder() {
        return decoder;
    }

    /** Floats in one image's tensor: inputSize * inputSize * 3. */
    public int tensorLength() {
        return preprocessing.tensorLength();
    }

    /** The image as the model sees it before normalisation; the same instance when it already fits. */
    public RgbImage fit(RgbImage image) {
        return Resampling.fitSquare(image, preprocessing.inputSize());
    }

    /** Decodes (JPEG or PNG), fits and normalises. */
    public float[] toTensor(byte[] encoded) {
        return toTensor(decoder.decode(encoded));
    }

    public float[] toTensor(RgbImage image) {
        float[] tensor = new float[tensorLength()];
        writeTensor(image, tensor, 0);
        return tensor;
    }

    /** Writes one image's tensor into dst[offset, offset + tensorLength()), e.g. slot i of a batch at i * length. */
    public void writeTensor(RgbImage image, float[] dst, int offset) {
        if (offset < 0 || offset > dst.length - tensorLength()) {
            throw new IndexOutOfBoundsException("a tensor of " + tensorLength() + " floats does not fit at offset "
                    + offset + " of " + dst.length);
        }
        byte[] rgb = fit(image).rgb();
        boolean bgr = preprocessing.colorOrder() == ColorOrder.BGR;
        int out = offset;
        for (int p = 0; p < rgb.length; p += 3) {
            int first = bgr ? p + 2 : p;
            int last = bgr ? p : p + 2;
            dst[out++] = normalized[rgb[first] & 0xFF];
            dst[out++] = normalized[rgb[p + 1] & 0xFF];
            dst[out++] = normalized[rgb[last] & 0xFF];
        }
    }

    /**
     * Writes one image's tensor at absolute index offset of dst (a direct buffer feeding TFLite, say); the
     * buffer's position is left unchanged.
     */
    public void writeTensor(RgbImage image, FloatBuffer dst, int offset) {
        if (offset < 0 || offset > dst.limit() - tensorLength()) {
            throw new IndexOutOfBoundsException("a tensor of " + tensorLength() + " floats does not fit at offset "
                    + offset + " of a buffer with limit " + dst.limit());
        }
        dst.put(offset, toTensor(image));
    }
}
