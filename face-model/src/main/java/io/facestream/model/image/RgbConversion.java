package io.facestream.model.image;

import io.facestream.model.image.ImageRejectedException.Reason;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;

/**
 * Turns whatever a reader decoded into 8-bit RGB by reading raster samples, not through Graphics2D or getRGB:
 * Java treats 8-bit grey as linear and would brighten it (grey 128 comes out as 188), which is not what a grey
 * PNG or JPEG means.
 *
 * <ul>
 *   <li>grey (any bit depth) is copied to R, G and B;</li>
 *   <li>samples deeper than 8 bits (16-bit PNG) are rounded to 8 bits: v * 255 / (2^bits - 1);</li>
 *   <li>palette images are looked up in their palette;</li>
 *   <li>alpha is composited onto black (colour * alpha), so fully transparent pixels are black whatever colour
 *       they hide; premultiplied images are already composited and their alpha is ignored;</li>
 *   <li>CMYK/YCCK JPEG arrives here already converted to RGB by the TwelveMonkeys reader; anything still not
 *       grey or RGB (or with floating-point samples) is rejected as UNSUPPORTED_COLOR_MODEL.</li>
 * </ul>
 */
final class RgbConversion {

    private RgbConversion() {
    }

    static RgbImage toRgb(BufferedImage image) {
        ColorModel cm = image.getColorModel();
        Raster raster = image.getRaster();
        int width = image.getWidth();
        int height = image.getHeight();
        int transferType = raster.getTransferType();
        if (transferType != DataBuffer.TYPE_BYTE && transferType != DataBuffer.TYPE_USHORT
                && transferType != DataBuffer.TYPE_INT) {
            throw new ImageRejectedException(Reason.UNSUPPORTED_COLOR_MODEL,
                    "samples of data type " + transferType + " (only integer samples are converted)");
        }
        byte[] rgb = new byte[Math.multiplyExact(Math.multiplyExact(width, height), 3)];
        if (cm instanceof IndexColorModel palette) {
            fromPalette(palette, raster, width, height, rgb);
            return new RgbImage(width, height, rgb);
        }
        int space = cm.getColorSpace().getType();
        int colours = cm.getNumColorComponents();
        boolean grey = space == ColorSpace.TYPE_GRAY && colours == 1;
        boolean rgbSpace = space == ColorSpace.TYPE_RGB && colours == 3;
        if (!(grey || rgbSpace) || raster.getNumBands() != cm.getNumComponents()) {
            throw new ImageRejectedException(Reason.UNSUPPORTED_COLOR_MODEL, "colour space type " + space + " with "
                    + colours + " colour components and " + raster.getNumBands() + " bands");
        }
        fromComponents(cm, raster, width, height, grey, rgb);
        return new RgbImage(width, height, rgb);
    }

    private static void fromPalette(IndexColorModel palette, Raster raster, int width, int height, byte[] rgb) {
        int[] indices = new int[width];
        for (int y = 0; y < height; y++) {
            raster.getSamples(0, y, width, 1, 0, indices);
            int out = y * width * 3;
            for (int x = 0; x < width; x++) {
                int argb = palette.getRGB(indices[x]); // never premultiplied
                int alpha = argb >>> 24;
                rgb[out++] = (byte) overBlack((argb >> 16) & 0xFF, alpha);
                rgb[out++] = (byte) overBlack((argb >> 8) & 0xFF, alpha);
                rgb[out++] = (byte) overBlack(argb & 0xFF, alpha);
            }
        }
    }

    private static void fromComponents(ColorModel cm, Raster raster, int width, int height, boolean grey,
                                       byte[] rgb) {
        int bands = raster.getNumBands();
        int colours = grey ? 1 : 3;
        boolean compositeAlpha = cm.hasAlpha() && !cm.isAlphaPremultiplied();
        int[] maxValue = new int[bands];
        for (int b = 0; b < bands; b++) {
            maxValue[b] = (1 << cm.getComponentSize(b)) - 1;
        }
        int[] row = new int[width * bands];
        for (int y = 0; y < height; y++) {
            raster.getPixels(0, y, width, 1, row);
            int out = y * width * 3;
            for (int x = 0; x < width; x++) {
                int in = x * bands;
                int alpha = compositeAlpha ? to8Bits(row[in + colours], maxValue[colours]) : 255;
                if (grey) {
                    byte v = (byte) overBlack(to8Bits(row[in], maxValue[0]), alpha);
                    rgb[out++] = v;
                    rgb[out++] = v;
                    rgb[out++] = v;
                } else {
                    rgb[out++] = (byte) overBlack(to8Bits(row[in], maxValue[0]), alpha);
                    rgb[out++] = (byte) overBlack(to8Bits(row[in + 1], maxValue[1]), alpha);
                    rgb[out++] = (byte) overBlack(to8Bits(row[in + 2], maxValue[2]), alpha);
                }
            }
        }
    }

    private static int to8Bits(int value, int maxValue) {
        return maxValue == 255 ? value : (int) (((long) value * 255 + maxValue / 2) / maxValue);
    }

    private static int overBlack(int colour, int alpha) {
        return alpha == 255 ? colour : (colour * alpha + 127) / 255;
    }
}
