package io.facestream.model.image;

import io.facestream.model.image.Preprocessing.ColorOrder;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ImagePreprocessorTest {

    private static final int SIZE = 112;

    // ---- normalisation and channel order -----------------------------------------------------------------------

    @Test
    void minusOneToOneMapsKnownPixelsToKnownFloats() {
        float[] t = new ImagePreprocessor(Preprocessing.minusOneToOne(SIZE)).toTensor(uniform(SIZE, SIZE, 255, 0, 128));
        assertEquals(SIZE * SIZE * 3, t.length);
        for (int p = 0; p < t.length; p += 3) {
            assertEquals(1.0f, t[p], 1e-6f);
            assertEquals(-1.0f, t[p + 1], 1e-6f);
            assertEquals(128 / 127.5f - 1, t[p + 2], 1e-6f); // 0.0039216
        }
        assertEquals(0.0039216f, t[2], 1e-6f);
    }

    @Test
    void zeroToOneMapsKnownPixelsToKnownFloats() {
        float[] t = new ImagePreprocessor(Preprocessing.zeroToOne(SIZE)).toTensor(uniform(SIZE, SIZE, 255, 0, 128));
        assertEquals(1.0f, t[0], 1e-6f);
        assertEquals(0.0f, t[1], 1e-6f);
        assertEquals(0.5019608f, t[2], 1e-6f);
    }

    @Test
    void bgrOrderSwapsRedAndBlue() {
        Preprocessing bgr = new Preprocessing(SIZE, ColorOrder.BGR, 1f / 255f, 0f);
        float[] t = new ImagePreprocessor(bgr).toTensor(uniform(SIZE, SIZE, 255, 0, 128));
        assertEquals(0.5019608f, t[0], 1e-6f); // blue first
        assertEquals(0.0f, t[1], 1e-6f);
        assertEquals(1.0f, t[2], 1e-6f); // red last
    }

    @Test
    void tensorIsHwcAndBitIdenticalToNormalize() {
        Preprocessing pre = Preprocessing.minusOneToOne(SIZE);
        RgbImage image = gradient(SIZE, SIZE);
        float[] t = new ImagePreprocessor(pre).toTensor(image);
        int y = 37;
        int x = 81;
        for (int c = 0; c < 3; c++) {
            assertEquals(pre.normalize(image.sample(x, y, c)), t[(y * SIZE + x) * 3 + c]); // exact, no tolerance
        }
    }

    // ---- geometry ----------------------------------------------------------------------------------------------

    @Test
    void imageOfTheInputSizeIsUsedAsItIs() {
        ImagePreprocessor pre = new ImagePreprocessor(Preprocessing.zeroToOne(SIZE));
        RgbImage image = gradient(SIZE, SIZE);
        assertSame(image, pre.fit(image));
    }

    @Test
    void landscapeIsResizedOnItsShorterSideAndCroppedInTheCentre() {
        // 300x200 -> shorter side 200 becomes 112, width becomes round(300 * 112 / 200) = 168, and the crop keeps
        // resized columns [28, 140), i.e. source columns [50, 250): exactly the green band
        RgbImage image = bands(300, 200, true, 50, 250);
        RgbImage fitted = new ImagePreprocessor(Preprocessing.zeroToOne(SIZE)).fit(image);
        assertEquals(SIZE, fitted.width());
        assertEquals(SIZE, fitted.height());
        assertAllPixels(fitted, 0, 255, 0);
    }

    @Test
    void portraitIsResizedOnItsShorterSideAndCroppedInTheCentre() {
        RgbImage image = bands(200, 300, false, 50, 250);
        assertAllPixels(new ImagePreprocessor(Preprocessing.zeroToOne(SIZE)).fit(image), 0, 255, 0);
    }

    @Test
    void shrinkingAveragesAreas() {
        // a one-pixel checkerboard halved: every output pixel is the mean of a 2x2 block, 127.5 rounded to 128
        // (bilinear sampling would pick single pixels, or blends other than one half)
        byte[] rgb = new byte[224 * 224 * 3];
        for (int y = 0; y < 224; y++) {
            for (int x = 0; x < 224; x++) {
                Arrays.fill(rgb, (y * 224 + x) * 3, (y * 224 + x) * 3 + 3, (byte) (((x + y) & 1) * 255));
            }
        }
        assertAllPixels(new ImagePreprocessor(Preprocessing.zeroToOne(SIZE)).fit(new RgbImage(224, 224, rgb)),
                128, 128, 128);
    }

    @Test
    void enlargingInterpolatesBilinearly() {
        // 56 -> 112: output column j samples source position j / 2 - 0.25; the source ramp is 4 * column,
        // so the output is 2j - 1 inside, and clamps to the edge pixels at both ends
        byte[] rgb = new byte[56 * 56 * 3];
        for (int y = 0; y < 56; y++) {
            for (int x = 0; x < 56; x++) {
                Arrays.fill(rgb, (y * 56 + x) * 3, (y * 56 + x) * 3 + 3, (byte) (4 * x));
            }
        }
        RgbImage fitted = new ImagePreprocessor(Preprocessing.zeroToOne(SIZE)).fit(new RgbImage(56, 56, rgb));
        assertEquals(0, fitted.sample(0, 50, 0));
        for (int j = 1; j < SIZE - 1; j++) {
            assertEquals(2 * j - 1, fitted.sample(j, 50, 0), "column " + j);
        }
        assertEquals(220, fitted.sample(SIZE - 1, 50, 2));
    }

    @Test
    void largeFrameFitsWithTheRightAverageColour() {
        RgbImage frame = uniform(1920, 1080, 10, 120, 240);
        RgbImage fitted = new ImagePreprocessor(Preprocessing.zeroToOne(SIZE)).fit(frame);
        assertAllPixels(fitted, 10, 120, 240);
    }

    // ---- flip and crop -----------------------------------------------------------------------------------------

    @Test
    void flipMirrorsColumns() {
        RgbImage image = gradient(7, 3);
        RgbImage flipped = image.flipHorizontal();
        for (int y = 0; y < 3; y++) {
            for (int x = 0; x < 7; x++) {
                for (int c = 0; c < 3; c++) {
                    assertEquals(image.sample(x, y, c), flipped.sample(6 - x, y, c));
                }
            }
        }
        assertEquals(image, flipped.flipHorizontal());
    }

    @Test
    void tensorOfFlipIsMirroredTensor() {
        ImagePreprocessor pre = new ImagePreprocessor(Preprocessing.minusOneToOne(SIZE));
        // 300x200 resizes to 168x112 and loses 28 columns on each side: a symmetric crop, so flipping before
        // or after preprocessing agrees (up to one 8-bit step where float sums round differently)
        RgbImage image = gradient(300, 200);
        float[] t = pre.toTensor(image);
        float[] flipped = pre.toTensor(image.flipHorizontal());
        float step = 1 / 127.5f;
        for (int y = 0; y < SIZE; y++) {
            for (int x = 0; x < SIZE; x++) {
                for (int c = 0; c < 3; c++) {
                    assertEquals(t[(y * SIZE + x) * 3 + c], flipped[(y * SIZE + SIZE - 1 - x) * 3 + c], step + 1e-6f);
                }
            }
        }
        RgbImage fitted = pre.fit(image);
        assertArrayEquals(pre.toTensor(fitted.flipHorizontal()), flippedTensor(t));
    }

    @Test
    void cropTakesTheRectangle() {
        RgbImage image = gradient(10, 8);
        RgbImage crop = image.crop(3, 2, 4, 5);
        assertEquals(4, crop.width());
        assertEquals(5, crop.height());
        assertEquals(image.sample(3, 2, 0), crop.sample(0, 0, 0));
        assertEquals(image.sample(6, 6, 2), crop.sample(3, 4, 2));
        assertThrows(IllegalArgumentException.class, () -> image.crop(8, 0, 3, 1));
    }

    // ---- batching ----------------------------------------------------------------------------------------------

    @Test
    void writesIntoABatchArrayAtAnOffset() {
        ImagePreprocessor pre = new ImagePreprocessor(Preprocessing.minusOneToOne(SIZE));
        int n = pre.tensorLength();
        RgbImage a = gradient(SIZE, SIZE);
        RgbImage b = uniform(150, 130, 9, 99, 199);
        float[] batch = new float[2 * n + 1];
        batch[2 * n] = Float.NaN; // sentinel past the end
        pre.writeTensor(a, batch, 0);
        pre.writeTensor(b, batch, n);
        assertArrayEquals(pre.toTensor(a), Arrays.copyOfRange(batch, 0, n));
        assertArrayEquals(pre.toTensor(b), Arrays.copyOfRange(batch, n, 2 * n));
        assertTrue(Float.isNaN(batch[2 * n]));
        assertThrows(IndexOutOfBoundsException.class, () -> pre.writeTensor(a, batch, n + 2));
    }

    @Test
    void writesIntoADirectFloatBufferAtAnOffset() {
        ImagePreprocessor pre = new ImagePreprocessor(Preprocessing.zeroToOne(SIZE));
        int n = pre.tensorLength();
        FloatBuffer buffer = ByteBuffer.allocateDirect(2 * n * Float.BYTES).order(ByteOrder.nativeOrder())
                .asFloatBuffer();
        RgbImage image = gradient(SIZE, SIZE);
        pre.writeTensor(image, buffer, n);
        assertEquals(0, buffer.position());
        float[] second = new float[n];
        buffer.get(n, second);
        assertArrayEquals(pre.toTensor(image), second);
        assertEquals(0f, buffer.get(0));
        assertThrows(IndexOutOfBoundsException.class, () -> pre.writeTensor(image, buffer, n + 1));
    }

    @Test
    void encodedBytesGoThroughTheSameSteps() {
        ImagePreprocessor pre = new ImagePreprocessor(Preprocessing.minusOneToOne(SIZE));
        byte[] png = TestImages.png(ImageDecoderTest.noise(160, 120, 3));
        RgbImage decoded = pre.decoder().decode(png);
        assertArrayEquals(pre.toTensor(decoded), pre.toTensor(png));
    }

    // ---- helpers -----------------------------------------------------------------------------------------------

    private static float[] flippedTensor(float[] t) {
        float[] out = new float[t.length];
        for (int y = 0; y < SIZE; y++) {
            for (int x = 0; x < SIZE; x++) {
                System.arraycopy(t, (y * SIZE + x) * 3, out, (y * SIZE + SIZE - 1 - x) * 3, 3);
            }
        }
        return out;
    }

    static RgbImage uniform(int width, int height, int r, int g, int b) {
        byte[] rgb = new byte[width * height * 3];
        for (int p = 0; p < rgb.length; p += 3) {
            rgb[p] = (byte) r;
            rgb[p + 1] = (byte) g;
            rgb[p + 2] = (byte) b;
        }
        return new RgbImage(width, height, rgb);
    }

    /** Distinct values per position and channel. */
    static RgbImage gradient(int width, int height) {
        byte[] rgb = new byte[width * height * 3];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int p = (y * width + x) * 3;
                rgb[p] = (byte) (x * 255 / Math.max(1, width - 1));
                rgb[p + 1] = (byte) (y * 255 / Math.max(1, height - 1));
                rgb[p + 2] = (byte) ((x * 7 + y * 13) & 0xFF);
            }
        }
        return new RgbImage(width, height, rgb);
    }

    /** Red before from, green in [from, to), blue after, along x (vertical bands) or y (horizontal bands). */
    private static RgbImage bands(int width, int height, boolean alongX, int from, int to) {
        byte[] rgb = new byte[width * height * 3];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int v = alongX ? x : y;
                int channel = v < from ? 0 : v < to ? 1 : 2;
                rgb[(y * width + x) * 3 + channel] = (byte) 255;
            }
        }
        return new RgbImage(width, height, rgb);
    }

    private static void assertAllPixels(RgbImage image, int r, int g, int b) {
        for (int y = 0; y < image.height(); y++) {
            for (int x = 0; x < image.width(); x++) {
                assertEquals(r, image.sample(x, y, 0), "R at " + x + "," + y);
                assertEquals(g, image.sample(x, y, 1), "G at " + x + "," + y);
                assertEquals(b, image.sample(x, y, 2), "B at " + x + "," + y);
            }
        }
    }
}
