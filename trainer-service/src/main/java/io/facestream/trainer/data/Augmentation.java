package io.facestream.trainer.data;

import io.facestream.model.image.ImagePreprocessor;
import io.facestream.model.image.Preprocessing;
import io.facestream.model.image.RgbImage;

import java.util.Random;

/**
 * JHFace's (arcface-tf2's) training augmentation around the shared preprocessing, in its order: with is_ccrop,
 * resize to 128/112 of the input size and take a random input-size crop (otherwise the ordinary fit); a random
 * horizontal flip; a random saturation factor in [saturationLower, saturationUpper) (TensorFlow's
 * adjust_saturation: HSV saturation scaled and clipped to 1, hue and value kept); a random brightness delta in
 * [-brightnessMaxDelta, brightnessMaxDelta) added to every value.
 *
 * <p>The brightness delta is in 8-bit levels and is added to the preprocessed floats (delta times the
 * preprocessing's scale), unrounded: JHFace calls tf.image.random_brightness(x, 0.4) on 0..255 float pixels, a
 * shift of at most 0.4 levels, which this reproduces rather than rounding it away.
 *
 * @param randomCrop         JHFace's is_ccrop
 * @param flip               random left-right flip with probability 1/2
 * @param saturationLower    lower saturation factor (1 with upper 1 for none)
 * @param saturationUpper    upper saturation factor
 * @param brightnessMaxDelta largest brightness shift, in 8-bit levels (0 for none)
 */
public record Augmentation(boolean randomCrop, boolean flip, double saturationLower, double saturationUpper,
                           double brightnessMaxDelta) {

    /** arcface-tf2's crop: the image is resized to 128 x 128 and cropped back to 112 x 112. */
    static final double CROP_ENLARGEMENT = 128.0 / 112.0;

    public Augmentation {
        if (!(saturationLower > 0 && saturationLower <= saturationUpper)) {
            throw new IllegalArgumentException("saturation factors need 0 < lower <= upper, got " + saturationLower
                    + ", " + saturationUpper);
        }
        if (!(brightnessMaxDelta >= 0)) {
            throw new IllegalArgumentException("brightnessMaxDelta must not be negative, got " + brightnessMaxDelta);
        }
    }

    /** JHFace's settings: flip, saturation 0.6..1.4, brightness 0.4, and its is_ccrop. */
    public static Augmentation jhFace(boolean isCcrop) {
        return new Augmentation(isCcrop, true, 0.6, 1.4, 0.4);
    }

    /** Augments and preprocesses one image into dst[offset, offset + preprocessor.tensorLength()). */
    public void writeTensor(RgbImage image, ImagePreprocessor preprocessor, Random random, float[] dst, int offset) {
        int size = preprocessor.preprocessing().inputSize();
        RgbImage x;
        if (randomCrop) {
            int enlarged = (int) Math.round(size * CROP_ENLARGEMENT);
            RgbImage big = new ImagePreprocessor(Preprocessing.zeroToOne(enlarged), preprocessor.decoder()).fit(image);
            x = big.crop(random.nextInt(enlarged - size + 1), random.nextInt(enlarged - size + 1), size, size);
        } else {
            x = preprocessor.fit(image);
        }
        if (flip && random.nextBoolean()) {
            x = x.flipHorizontal();
        }
        double factor = saturationLower + (saturationUpper - saturationLower) * random.nextDouble();
        if (factor != 1) {
            x = scaleSaturation(x, factor);
        }
        preprocessor.writeTensor(x, dst, offset);
        if (brightnessMaxDelta > 0) {
            float shift = (float) ((random.nextDouble() * 2 - 1) * brightnessMaxDelta
                    * preprocessor.preprocessing().scale());
            for (int i = offset; i < offset + preprocessor.tensorLength(); i++) {
                dst[i] += shift;
            }
        }
    }

    /**
     * HSV saturation times factor, clipped to 1, hue and value unchanged. Each channel c is v - v * s * k(hue), so
     * with the new saturation s' it becomes v - (v - c) * s' / s.
     */
    static RgbImage scaleSaturation(RgbImage image, double factor) {
        byte[] in = image.rgb();
        byte[] out = new byte[in.length];
        for (int p = 0; p < in.length; p += 3) {
            int r = in[p] & 0xFF;
            int g = in[p + 1] & 0xFF;
            int b = in[p + 2] & 0xFF;
            int max = Math.max(r, Math.max(g, b));
            int min = Math.min(r, Math.min(g, b));
            if (max == min) {
                out[p] = in[p];
                out[p + 1] = in[p + 1];
                out[p + 2] = in[p + 2];
                continue;
            }
            double ratio = Math.min(factor, (double) max / (max - min));
            out[p] = channel(max, r, ratio);
            out[p + 1] = channel(max, g, ratio);
            out[p + 2] = channel(max, b, ratio);
        }
        return new RgbImage(image.width(), image.height(), out);
    }

    private static byte channel(int value, int c, double ratio) {
        long v = Math.round(value - (value - c) * ratio);
        return (byte) Math.max(0, Math.min(255, v));
    }
}
