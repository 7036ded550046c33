package io.facestream.tflite.runtime;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * A face-embedding model in the TFLite runtime: one input [1, H, W, C] (float32 preprocessed values, or uint8
 * pixels for models converted with uint8 input), one float32 output [1, E]. Batches run as one inference: the
 * input is resized to [n, H, W, C] when the batch size changes.
 *
 * <p>Not thread-safe (it owns one interpreter): use one instance per worker thread. {@link #close()} frees the
 * native memory.
 */
public final class TfliteEmbedder implements AutoCloseable {

    private final TfliteModel model;
    private final int height;
    private final int width;
    private final int channels;
    private final int embeddingSize;
    private final TensorInfo inputInfo;
    private int batch = 1;

    private TfliteEmbedder(TfliteModel model) {
        this.model = model;
        try {
            if (model.inputCount() != 1 || model.outputCount() != 1) {
                throw new TfliteModelException(model.source() + " has " + model.inputCount() + " inputs and "
                        + model.outputCount() + " outputs; an embedding model has one of each");
            }
            inputInfo = model.input(0);
            int[] in = inputInfo.shape();
            if (in.length != 4 || in[0] != 1) {
                throw new TfliteModelException(model.source() + ": input " + inputInfo + " is not [1, H, W, C]");
            }
            if (inputInfo.type() != TensorInfo.FLOAT32 && inputInfo.type() != TensorInfo.UINT8) {
                throw new TfliteModelException(model.source() + ": input " + inputInfo
                        + " must be float32 or uint8");
            }
            TensorInfo out = model.output(0);
            int[] o = out.shape();
            if (o.length != 2 || o[0] != 1 || o[1] < 1) {
                throw new TfliteModelException(model.source() + ": output " + out + " is not a vector [1, E]");
            }
            if (out.type() != TensorInfo.FLOAT32) {
                throw new TfliteModelException(model.source() + ": output " + out + " must be float32");
            }
            height = in[1];
            width = in[2];
            channels = in[3];
            embeddingSize = o[1];
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    public static TfliteEmbedder load(byte[] model, TfliteOptions options) {
        return new TfliteEmbedder(TfliteModel.load(model, options));
    }

    public static TfliteEmbedder load(Path file, TfliteOptions options) throws IOException {
        return new TfliteEmbedder(TfliteModel.load(file, options));
    }

    public int inputHeight() {
        return height;
    }

    public int inputWidth() {
        return width;
    }

    public int inputChannels() {
        return channels;
    }

    /** Values of one image: H * W * C. */
    public int imageLength() {
        return height * width * channels;
    }

    public int embeddingSize() {
        return embeddingSize;
    }

    /** True when the model takes uint8 pixels ({@link #embedPixels}); float input still works (quantized here). */
    public boolean takesPixels() {
        return inputInfo.type() == TensorInfo.UINT8;
    }

    /**
     * Embeddings of count images given as preprocessed float values, NHWC one after the other. A uint8-input model
     * gets them quantized with its input scale and zero point.
     */
    public float[][] embed(float[] images, int count) {
        checkLength(images.length, count);
        if (takesPixels()) {
            byte[] q = new byte[images.length];
            float scale = inputInfo.scale();
            int zeroPoint = inputInfo.zeroPoint();
            for (int i = 0; i < q.length; i++) {
                q[i] = (byte) Math.max(0, Math.min(255, Math.round(images[i] / scale) + zeroPoint));
            }
            return run(count, () -> model.writeInput(0, q, 0, q.length));
        }
        return run(count, () -> model.writeInput(0, images, 0, images.length));
    }

    /** The embedding of one image of preprocessed values. */
    public float[] embed(float[] image) {
        return embed(image, 1)[0];
    }

    /** Embeddings of count images of uint8 pixels (NHWC, the model's colour order): uint8-input models only. */
    public float[][] embedPixels(byte[] pixels, int count) {
        if (!takesPixels()) {
            throw new IllegalArgumentException(model.source() + " takes float32 input, not pixels: use embed()");
        }
        checkLength(pixels.length, count);
        return run(count, () -> model.writeInput(0, pixels, 0, pixels.length));
    }

    private void checkLength(int length, int count) {
        if (count < 1) {
            throw new IllegalArgumentException("count must be positive, got " + count);
        }
        if ((long) count * imageLength() != length) {
            throw new IllegalArgumentException("expected " + count + " images of " + height + "x" + width + "x"
                    + channels + " = " + (long) count * imageLength() + " values, got " + length);
        }
    }

    private float[][] run(int count, Runnable write) {
        if (count != batch) {
            model.resizeInput(0, new int[] {count, height, width, channels});
            batch = count;
        }
        write.run();
        model.invoke();
        TensorInfo out = model.output(0);
        float[] flat = model.readFloats(out.index());
        if (flat.length != count * embeddingSize) {
            throw new IllegalStateException(model.source() + ": output " + Arrays.toString(out.shape())
                    + " for a batch of " + count);
        }
        float[][] result = new float[count][];
        for (int i = 0; i < count; i++) {
            result[i] = Arrays.copyOfRange(flat, i * embeddingSize, (i + 1) * embeddingSize);
        }
        return result;
    }

    @Override
    public void close() {
        model.close();
    }
}
