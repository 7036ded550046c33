package io.facestream.trainer.data;

import io.facestream.model.image.ImagePreprocessor;
import io.facestream.model.image.Preprocessing;
import io.facestream.model.image.RgbImage;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AugmentationTest {

    private static RgbImage pixel(int r, int g, int b) {
        return new RgbImage(1, 1, new byte[]{(byte) r, (byte) g, (byte) b});
    }

    @Test
    void saturationScalesHsvSaturationKeepingHueAndValue() {
        // (200, 100, 50): v = 200, s = 0.75; halving s gives channels v - (v - c) / 2
        assertEquals(pixel(200, 150, 125), Augmentation.scaleSaturation(pixel(200, 100, 50), 0.5));
        // s clips at 1: the smallest channel reaches 0 and no further
        assertEquals(pixel(200, 67, 0), Augmentation.scaleSaturation(pixel(200, 100, 50), 3));
        assertEquals(pixel(200, 200, 200), Augmentation.scaleSaturation(pixel(200, 100, 50), 0));
        assertEquals(pixel(90, 90, 90), Augmentation.scaleSaturation(pixel(90, 90, 90), 1.4));
    }

    @Test
    void brightnessShiftsEveryValueAlikeWithinTheBound() {
        ImagePreprocessor pre = new ImagePreprocessor(Preprocessing.minusOneToOne(16));
        RgbImage image = TfRecordFiles.image(16, 16, 3);
        float[] plain = pre.toTensor(image);
        Augmentation brightness = new Augmentation(false, false, 1, 1, 20);
        float[] out = new float[plain.length];
        brightness.writeTensor(image, pre, new Random(4), out, 0);
        float shift = out[0] - plain[0];
        assertTrue(shift != 0 && Math.abs(shift) <= 20 / 127.5f, "shift " + shift);
        for (int i = 0; i < out.length; i++) {
            assertEquals(plain[i] + shift, out[i], 1e-5f);
        }
    }

    @Test
    void flipMirrorsAboutHalfTheTime() {
        ImagePreprocessor pre = new ImagePreprocessor(Preprocessing.minusOneToOne(16));
        RgbImage image = TfRecordFiles.image(16, 16, 1);
        float[] plain = pre.toTensor(image);
        float[] mirrored = pre.toTensor(image.flipHorizontal());
        Augmentation flip = new Augmentation(false, true, 1, 1, 0);
        int flipped = 0;
        Random random = new Random(1);
        for (int i = 0; i < 200; i++) {
            float[] out = new float[plain.length];
            flip.writeTensor(image, pre, random, out, 0);
            if (java.util.Arrays.equals(out, mirrored)) {
                flipped++;
            } else {
                assertArrayEquals(plain, out);
            }
        }
        assertTrue(flipped > 70 && flipped < 130, flipped + " of 200 flipped");
    }

    @Test
    void randomCropTakesAnInputSizedPieceOfTheEnlargedImage() {
        // a 32 px input: the image is resized to 37 px (128 / 112) and a 32 px window is cut at a random offset
        ImagePreprocessor pre = new ImagePreprocessor(Preprocessing.minusOneToOne(32));
        RgbImage image = TfRecordFiles.image(37, 37, 2);
        Augmentation crop = new Augmentation(true, false, 1, 1, 0);
        float[] out = new float[pre.tensorLength()];
        boolean moved = false;
        Random random = new Random(3);
        for (int i = 0; i < 10; i++) {
            crop.writeTensor(image, pre, random, out, 0);
            boolean found = false;
            for (int y = 0; y <= 5 && !found; y++) {
                for (int x = 0; x <= 5 && !found; x++) {
                    if (java.util.Arrays.equals(out, pre.toTensor(image.crop(x, y, 32, 32)))) {
                        found = true;
                        moved |= x != 0 || y != 0;
                    }
                }
            }
            assertTrue(found, "the output is a 32 px window of the 37 px image");
        }
        assertTrue(moved);
    }
}
