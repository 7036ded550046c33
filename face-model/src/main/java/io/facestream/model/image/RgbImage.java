package io.facestream.model.image;

import java.util.Arrays;

/**
 * A decoded 8-bit RGB image: rows top to bottom, pixels left to right, three bytes (R, G, B) a pixel. The array is
 * not copied, for speed on the serving path: treat it as immutable once the image is made.
 */
public record RgbImage(int width, int height, byte[] rgb) {

    public RgbImage {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("image dimensions must be positive: " + width + "x" + height);
        }
        if (rgb == null || rgb.length != (long) width * height * 3) {
            throw new IllegalArgumentException("a " + width + "x" + height + " RGB image needs "
                    + (long) width * height * 3 + " bytes, got " + (rgb == null ? "none" : rgb.length));
        }
    }

    /** Sample of channel c (0 = R, 1 = G, 2 = B) at (x, y), 0..255. */
    public int sample(int x, int y, int c) {
        return rgb[(y * width + x) * 3 + c] & 0xFF;
    }

    /** The mirror image (left and right swapped), as evaluation embeds an image and its flip. */
    public RgbImage flipHorizontal() {
        byte[] out = new byte[rgb.length];
        int rowBytes = width * 3;
        for (int y = 0; y < height; y++) {
            int row = y * rowBytes;
            for (int x = 0; x < width; x++) {
                int from = row + x * 3;
                int to = row + (width - 1 - x) * 3;
                out[to] = rgb[from];
                out[to + 1] = rgb[from + 1];
                out[to + 2] = rgb[from + 2];
            }
        }
        return new RgbImage(width, height, out);
    }

    /** The rectangle [x, x + w) x [y, y + h), which must lie inside the image (a detected face box, say). */
    public RgbImage crop(int x, int y, int w, int h) {
        if (x < 0 || y < 0 || w <= 0 || h <= 0 || x + w > width || y + h > height) {
            throw new IllegalArgumentException("crop " + w + "x" + h + " at (" + x + ", " + y + ") is outside the "
                    + width + "x" + height + " image");
        }
        byte[] out = new byte[w * h * 3];
        for (int row = 0; row < h; row++) {
            System.arraycopy(rgb, ((y + row) * width + x) * 3, out, row * w * 3, w * 3);
        }
        return new RgbImage(w, h, out);
    }

    // A record compares arrays by reference; images are equal when their pixels are.
    @Override
    public boolean equals(Object o) {
        return o instanceof RgbImage other && width == other.width && height == other.height
                && Arrays.equals(rgb, other.rgb);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * width + height) + Arrays.hashCode(rgb);
    }

    @Override
    public String toString() {
        return "RgbImage[" + width + "x" + height + "]";
    }
}
