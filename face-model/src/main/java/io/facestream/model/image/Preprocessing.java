package io.facestream.model.image;

/**
 * How an image becomes the model's input tensor. It travels with the model (checkpoint manifest and artifact
 * metadata), so training, calibration and serving cannot disagree: JHFace trained on [-1, 1] and evaluated on
 * [0, 1], the bug this record exists to prevent.
 *
 * @param inputSize  square input side in pixels (the model's H = W)
 * @param colorOrder channel order the model expects
 * @param scale      value = pixel * scale + offset, pixel in 0..255
 * @param offset     see scale
 */
public record Preprocessing(int inputSize, ColorOrder colorOrder, float scale, float offset) {

    public enum ColorOrder { RGB, BGR }

    /** Pixels to [-1, 1] (JHFace / arcface-tf2 training: x / 127.5 - 1). */
    public static Preprocessing minusOneToOne(int inputSize) {
        return new Preprocessing(inputSize, ColorOrder.RGB, 1f / 127.5f, -1f);
    }

    /** Pixels to [0, 1]. */
    public static Preprocessing zeroToOne(int inputSize) {
        return new Preprocessing(inputSize, ColorOrder.RGB, 1f / 255f, 0f);
    }

    public Preprocessing {
        if (inputSize < 16 || inputSize > 1024) {
            throw new IllegalArgumentException("inputSize must be in 16..1024, got " + inputSize);
        }
        if (colorOrder == null) {
            throw new IllegalArgumentException("colorOrder is required");
        }
        if (!Float.isFinite(scale) || scale == 0f || !Float.isFinite(offset)) {
            throw new IllegalArgumentException("scale must be finite and non-zero, offset finite");
        }
    }

    public float normalize(int pixel) {
        return pixel * scale + offset;
    }

    /** Floats in one image's HWC tensor: inputSize * inputSize * 3. */
    public int tensorLength() {
        return inputSize * inputSize * 3;
    }
}
