package io.facestream.model.image;

import io.facestream.model.image.ImageRejectedException.Reason;
import org.junit.jupiter.api.Test;

import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.CRC32;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ImageDecoderTest {

    private final ImageDecoder decoder = new ImageDecoder();

    // ---- what decodes, and to which RGB ------------------------------------------------------------------------

    @Test
    void rgbPngDecodesExactly() {
        BufferedImage image = new BufferedImage(5, 3, BufferedImage.TYPE_INT_RGB);
        Random random = new Random(7);
        for (int y = 0; y < 3; y++) {
            for (int x = 0; x < 5; x++) {
                image.setRGB(x, y, random.nextInt(1 << 24));
            }
        }
        RgbImage rgb = decoder.decode(TestImages.png(image));
        assertEquals(5, rgb.width());
        assertEquals(3, rgb.height());
        for (int y = 0; y < 3; y++) {
            for (int x = 0; x < 5; x++) {
                int expected = image.getRGB(x, y);
                assertEquals((expected >> 16) & 0xFF, rgb.sample(x, y, 0));
                assertEquals((expected >> 8) & 0xFF, rgb.sample(x, y, 1));
                assertEquals(expected & 0xFF, rgb.sample(x, y, 2));
            }
        }
    }

    @Test
    void rgbJpegDecodesCloseToTheOriginal() {
        BufferedImage image = new BufferedImage(32, 24, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 24; y++) {
            for (int x = 0; x < 32; x++) {
                image.setRGB(x, y, x < 16 ? 0xC83C14 : 0x1E64DC); // two flat blocks: (200,60,20) and (30,100,220)
            }
        }
        RgbImage rgb = decoder.decode(TestImages.jpeg(image, 1.0f));
        assertEquals(32, rgb.width());
        assertEquals(24, rgb.height());
        assertClose(new int[] {200, 60, 20}, rgb, 4, 12, 6);
        assertClose(new int[] {30, 100, 220}, rgb, 27, 12, 6);
    }

    @Test
    void greyPngIsCopiedToAllChannelsWithoutAGammaShift() {
        BufferedImage grey = new BufferedImage(3, 1, BufferedImage.TYPE_BYTE_GRAY);
        grey.getRaster().setPixels(0, 0, 3, 1, new int[] {0, 128, 255});
        RgbImage rgb = decoder.decode(TestImages.png(grey));
        // Java's own getRGB would give 188 for grey 128 (it treats 8-bit grey as linear)
        assertArrayEquals(new byte[] {0, 0, 0, (byte) 128, (byte) 128, (byte) 128, (byte) 255, (byte) 255, (byte) 255},
                rgb.rgb());
    }

    @Test
    void greyJpegHasEqualChannels() {
        BufferedImage grey = new BufferedImage(16, 16, BufferedImage.TYPE_BYTE_GRAY);
        WritableRaster raster = grey.getRaster();
        for (int y = 0; y < 16; y++) {
            for (int x = 0; x < 16; x++) {
                raster.setSample(x, y, 0, 90);
            }
        }
        RgbImage rgb = decoder.decode(TestImages.jpeg(grey, 1.0f));
        for (int p = 0; p < rgb.rgb().length; p += 3) {
            assertEquals(rgb.rgb()[p], rgb.rgb()[p + 1]);
            assertEquals(rgb.rgb()[p], rgb.rgb()[p + 2]);
            assertTrue(Math.abs((rgb.rgb()[p] & 0xFF) - 90) <= 2, "grey 90 came back as " + (rgb.rgb()[p] & 0xFF));
        }
    }

    @Test
    void greyWithAlphaIsCompositedOnBlack() {
        ComponentColorModel cm = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_GRAY), true, false,
                Transparency.TRANSLUCENT, DataBuffer.TYPE_BYTE);
        WritableRaster raster = cm.createCompatibleWritableRaster(3, 1);
        raster.setPixels(0, 0, 3, 1, new int[] {200, 255, 200, 0, 200, 128});
        RgbImage rgb = decoder.decode(TestImages.png(new BufferedImage(cm, raster, false, null)));
        assertEquals(200, rgb.sample(0, 0, 0)); // opaque
        assertEquals(0, rgb.sample(1, 0, 1)); // transparent: black
        assertEquals((200 * 128 + 127) / 255, rgb.sample(2, 0, 2)); // half: 100
    }

    @Test
    void sixteenBitGreyIsRoundedToEightBits() {
        BufferedImage grey = new BufferedImage(4, 1, BufferedImage.TYPE_USHORT_GRAY);
        grey.getRaster().setPixels(0, 0, 4, 1, new int[] {0, 257, 128 * 257, 65535});
        RgbImage rgb = decoder.decode(TestImages.png(grey));
        assertEquals(0, rgb.sample(0, 0, 0));
        assertEquals(1, rgb.sample(1, 0, 0));
        assertEquals(128, rgb.sample(2, 0, 1));
        assertEquals(255, rgb.sample(3, 0, 2));
    }

    @Test
    void sixteenBitRgbaIsRoundedAndComposited() {
        ComponentColorModel cm = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_sRGB),
                new int[] {16, 16, 16, 16}, true, false, Transparency.TRANSLUCENT, DataBuffer.TYPE_USHORT);
        WritableRaster raster = cm.createCompatibleWritableRaster(2, 1);
        raster.setPixels(0, 0, 2, 1, new int[] {65535, 0, 128 * 257, 65535, 65535, 65535, 65535, 0});
        byte[] png = TestImages.png(new BufferedImage(cm, raster, false, null));
        assertEquals(16, png[24], "IHDR bit depth"); // the writer kept 16 bits
        RgbImage rgb = decoder.decode(png);
        assertArrayEquals(new byte[] {(byte) 255, 0, (byte) 128, 0, 0, 0}, rgb.rgb());
    }

    @Test
    void rgbaIsCompositedOnBlack() {
        BufferedImage argb = new BufferedImage(2, 1, BufferedImage.TYPE_INT_ARGB);
        argb.setRGB(0, 0, 0x80FF8000); // alpha 128 over (255, 128, 0)
        argb.setRGB(1, 0, 0x00FFFFFF); // transparent white
        RgbImage rgb = decoder.decode(TestImages.png(argb));
        assertArrayEquals(new byte[] {(byte) 128, 64, 0, 0, 0, 0}, rgb.rgb());
    }

    @Test
    void paletteWithTransparencyIsLookedUp() {
        byte[] r = {(byte) 255, 0, 0, 10};
        byte[] g = {0, (byte) 255, 0, 20};
        byte[] b = {0, 0, (byte) 255, 30};
        byte[] a = {(byte) 255, (byte) 255, (byte) 255, 0};
        IndexColorModel palette = new IndexColorModel(2, 4, r, g, b, a);
        BufferedImage image = new BufferedImage(4, 1, BufferedImage.TYPE_BYTE_BINARY, palette);
        image.getRaster().setPixels(0, 0, 4, 1, new int[] {0, 1, 2, 3});
        byte[] png = TestImages.png(image);
        assertEquals(3, png[25], "IHDR colour type: palette");
        RgbImage rgb = decoder.decode(png);
        assertArrayEquals(new byte[] {(byte) 255, 0, 0, 0, (byte) 255, 0, 0, 0, (byte) 255, 0, 0, 0}, rgb.rgb());
    }

    @Test
    void oneBitImageBecomesBlackAndWhite() {
        BufferedImage binary = new BufferedImage(2, 1, BufferedImage.TYPE_BYTE_BINARY);
        binary.getRaster().setPixels(0, 0, 2, 1, new int[] {0, 1});
        RgbImage rgb = decoder.decode(TestImages.png(binary));
        assertArrayEquals(new byte[] {0, 0, 0, (byte) 255, (byte) 255, (byte) 255}, rgb.rgb());
    }

    @Test
    void adobeCmykJpegIsConvertedToRgb() {
        // inverted CMYK: (255,255,255,255) no ink = white; K = 0 full black ink; C = 0 full cyan ink
        WritableRaster raster = Raster.createInterleavedRaster(DataBuffer.TYPE_BYTE, 48, 16, 4, null);
        fill(raster, 0, 16, new int[] {255, 255, 255, 255});
        fill(raster, 16, 32, new int[] {255, 255, 255, 0});
        fill(raster, 32, 48, new int[] {0, 255, 255, 255});
        RgbImage rgb = decoder.decode(TestImages.adobeFourChannelJpeg(raster, 0));
        assertEquals(48, rgb.width());
        assertClose(new int[] {255, 255, 255}, rgb, 8, 8, 10);
        assertClose(new int[] {0, 0, 0}, rgb, 24, 8, 10);
        assertClose(new int[] {0, 255, 255}, rgb, 40, 8, 10);
    }

    @Test
    void adobeYcckJpegIsConvertedToRgb() {
        // YCCK stores YCbCr of the inverted CMY plus inverted K: Y=0, Cb=Cr=128 is "no C, M, Y ink"
        WritableRaster raster = Raster.createInterleavedRaster(DataBuffer.TYPE_BYTE, 32, 16, 4, null);
        fill(raster, 0, 16, new int[] {0, 128, 128, 255});
        fill(raster, 16, 32, new int[] {0, 128, 128, 0});
        RgbImage rgb = decoder.decode(TestImages.adobeFourChannelJpeg(raster, 2));
        assertClose(new int[] {255, 255, 255}, rgb, 8, 8, 10);
        assertClose(new int[] {0, 0, 0}, rgb, 24, 8, 10);
    }

    @Test
    void floatingPointSamplesAreAnUnsupportedColourModel() {
        ComponentColorModel cm = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_sRGB), false, false,
                Transparency.OPAQUE, DataBuffer.TYPE_FLOAT);
        BufferedImage image = new BufferedImage(cm, cm.createCompatibleWritableRaster(2, 2), false, null);
        assertReason(Reason.UNSUPPORTED_COLOR_MODEL, () -> RgbConversion.toRgb(image));
    }

    @Test
    void nonRgbColourSpaceIsAnUnsupportedColourModel() {
        ComponentColorModel cm = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_PYCC), false, false,
                Transparency.OPAQUE, DataBuffer.TYPE_BYTE);
        BufferedImage image = new BufferedImage(cm, cm.createCompatibleWritableRaster(2, 2), false, null);
        assertReason(Reason.UNSUPPORTED_COLOR_MODEL, () -> RgbConversion.toRgb(image));
    }

    // ---- what is refused, and why ------------------------------------------------------------------------------

    @Test
    void emptyInputIsRejected() {
        assertReason(Reason.EMPTY, () -> decoder.decode(null));
        assertReason(Reason.EMPTY, () -> decoder.decode(new byte[0]));
    }

    @Test
    void otherFormatsAreRejected() {
        BufferedImage image = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);
        assertReason(Reason.UNSUPPORTED_FORMAT, () -> decoder.decode(TestImages.write(image, "gif")));
        assertReason(Reason.UNSUPPORTED_FORMAT, () -> decoder.decode(TestImages.write(image, "bmp")));
        assertReason(Reason.UNSUPPORTED_FORMAT, () -> decoder.decode("hello, not an image".getBytes()));
    }

    @Test
    void tooManyBytesAreRejectedBeforeDecoding() {
        ImageDecoder small = new ImageDecoder(new ImageLimits(1000, 1_000_000));
        byte[] png = TestImages.png(noise(40, 40, 3));
        assertTrue(png.length > 1000);
        assertReason(Reason.TOO_LARGE_BYTES, () -> small.decode(png));
    }

    @Test
    void pngDecompressionBombIsRejectedFromItsHeader() {
        byte[] bomb = TestImages.zeroGreyPng(20_000, 20_000);
        assertTrue(bomb.length < 1_000_000, "400 MB of pixels in " + bomb.length + " bytes");
        long start = System.nanoTime();
        ImageRejectedException e = assertReason(Reason.TOO_MANY_PIXELS, () -> decoder.decode(bomb));
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(e.getMessage().contains("20000x20000"), e.getMessage());
        assertTrue(millis < 2000, "rejection took " + millis + " ms: pixels were decoded?");
    }

    @Test
    void jpegAnnouncingHugeDimensionsIsRejectedFromItsHeader() {
        byte[] jpeg = TestImages.jpeg(noise(16, 16, 1), 0.9f);
        int sof = TestImages.jpegMarker(jpeg, 0xC0);
        jpeg[sof + 5] = 0x4E; // height 20000
        jpeg[sof + 6] = 0x20;
        jpeg[sof + 7] = 0x4E; // width 20000
        jpeg[sof + 8] = 0x20;
        assertReason(Reason.TOO_MANY_PIXELS, () -> decoder.decode(jpeg));
    }

    @Test
    void pixelLimitIsConfigurable() {
        ImageDecoder small = new ImageDecoder(new ImageLimits(1 << 20, 99));
        assertReason(Reason.TOO_MANY_PIXELS, () -> small.decode(TestImages.png(noise(10, 10, 2))));
        assertEquals(9, small.decode(TestImages.png(noise(9, 11, 2))).width());
    }

    @Test
    void zeroSizedImagesAreRejected() {
        byte[] png = TestImages.pngFromChunks(0, 10, 8, 0, new byte[] {0x78, (byte) 0x9C, 3, 0, 0, 0, 0, 1});
        assertReason(Reason.ZERO_SIZE, () -> decoder.decode(png));

        byte[] jpeg = TestImages.jpeg(noise(8, 8, 3), 0.9f);
        int sof = TestImages.jpegMarker(jpeg, 0xC0);
        jpeg[sof + 5] = 0; // height 0
        jpeg[sof + 6] = 0;
        assertReason(Reason.ZERO_SIZE, () -> decoder.decode(jpeg));
    }

    @Test
    void truncatedPngIsRejected() {
        byte[] png = TestImages.png(noise(64, 64, 4));
        int idat = TestImages.pngChunk(png, "IDAT");
        assertReason(Reason.TRUNCATED, () -> decoder.decode(Arrays.copyOf(png, 5))); // inside the signature
        assertReason(Reason.TRUNCATED, () -> decoder.decode(Arrays.copyOf(png, 20))); // inside IHDR
        assertReason(Reason.TRUNCATED, () -> decoder.decode(Arrays.copyOf(png, idat + 100))); // inside IDAT
        assertReason(Reason.TRUNCATED, () -> decoder.decode(Arrays.copyOf(png, png.length - 12))); // no IEND
    }

    @Test
    void truncatedJpegIsRejected() {
        byte[] jpeg = TestImages.jpeg(noise(64, 48, 5), 0.9f);
        int sos = TestImages.jpegMarker(jpeg, 0xDA);
        assertReason(Reason.TRUNCATED, () -> decoder.decode(Arrays.copyOf(jpeg, 3)));
        assertReason(Reason.TRUNCATED, () -> decoder.decode(Arrays.copyOf(jpeg, 100))); // inside the tables
        assertReason(Reason.TRUNCATED, () -> decoder.decode(Arrays.copyOf(jpeg, sos + 1)));
        int cut = sos + (jpeg.length - sos) * 6 / 10;
        assertReason(Reason.TRUNCATED, () -> decoder.decode(Arrays.copyOf(jpeg, cut))); // inside the scan
    }

    @Test
    void corruptPngIsRejected() {
        byte[] png = TestImages.png(noise(64, 64, 6));
        int idat = TestImages.pngChunk(png, "IDAT");
        byte[] flipped = png.clone();
        for (int i = idat + 200; i < idat + 240; i++) {
            flipped[i] ^= 0x5A;
        }
        ImageRejectedException e = assertReason(Reason.CORRUPT, () -> decoder.decode(flipped));
        assertTrue(e.getMessage().contains("CRC"), e.getMessage());

        // a damaged chunk whose CRC was recomputed still fails inside the decoder (bad zlib data)
        byte[] recrc = flipped.clone();
        int length = ((recrc[idat] & 0xFF) << 24) | ((recrc[idat + 1] & 0xFF) << 16)
                | ((recrc[idat + 2] & 0xFF) << 8) | (recrc[idat + 3] & 0xFF);
        CRC32 crc = new CRC32();
        crc.update(recrc, idat + 4, 4 + length);
        int crcAt = idat + 8 + length;
        long value = crc.getValue();
        for (int i = 0; i < 4; i++) {
            recrc[crcAt + i] = (byte) (value >>> (24 - 8 * i));
        }
        assertReason(Reason.CORRUPT, () -> decoder.decode(recrc));
    }

    @Test
    void corruptJpegIsRejected() {
        byte[] jpeg = TestImages.jpeg(noise(64, 48, 8), 0.9f);
        int sos = TestImages.jpegMarker(jpeg, 0xDA);
        int middle = sos + (jpeg.length - sos) / 2;
        byte[] flipped = jpeg.clone();
        for (int i = middle; i < middle + 40; i++) {
            flipped[i] ^= 0x5A;
        }
        assertReason(Reason.CORRUPT, () -> decoder.decode(flipped));

        byte[] badMarker = jpeg.clone(); // 0xFF runs in entropy-coded data make invalid markers
        Arrays.fill(badMarker, middle, middle + 8, (byte) 0xFF);
        badMarker[middle + 8] = 0x6D;
        assertReason(Reason.CORRUPT, () -> decoder.decode(badMarker));
    }

    // ---- raw RGB -----------------------------------------------------------------------------------------------

    @Test
    void rawRgbIsWrappedAfterChecks() {
        byte[] pixels = {1, 2, 3, 4, 5, 6};
        RgbImage image = decoder.fromRawRgb(pixels, 2, 1);
        assertEquals(2, image.width());
        assertEquals(6, image.sample(1, 0, 2));
        assertReason(Reason.RAW_SIZE_MISMATCH, () -> decoder.fromRawRgb(pixels, 1, 1));
        assertReason(Reason.RAW_SIZE_MISMATCH, () -> decoder.fromRawRgb(pixels, 3, 1));
        assertReason(Reason.ZERO_SIZE, () -> decoder.fromRawRgb(pixels, 0, 2));
        assertReason(Reason.EMPTY, () -> decoder.fromRawRgb(new byte[0], 2, 1));
        ImageDecoder small = new ImageDecoder(new ImageLimits(1000, 1));
        assertReason(Reason.TOO_MANY_PIXELS, () -> small.fromRawRgb(pixels, 2, 1));
    }

    @Test
    void theContentTypeChoosesTheDecoding() {
        BufferedImage image = new BufferedImage(4, 2, BufferedImage.TYPE_INT_RGB);
        byte[] png = TestImages.png(image);
        assertEquals(4, decoder.decode("image/png", png).width());
        assertEquals(4, decoder.decode(" IMAGE/JPEG ", png).width(), "JPEG and PNG are told apart by signature");
        assertEquals(2, decoder.decode("application/x-rgb; width=2; height=1", new byte[6]).width());
        assertReason(Reason.RAW_SIZE_MISMATCH, () -> decoder.decode("application/x-rgb;width=2;height=2", new byte[6]));
        ImageRejectedException gif = assertReason(Reason.UNSUPPORTED_FORMAT, () -> decoder.decode("image/gif", png));
        assertTrue(gif.getMessage().contains("unsupported content type 'image/gif'"), gif.getMessage());
        assertReason(Reason.UNSUPPORTED_FORMAT, () -> decoder.decode(null, png));
    }

    // ---- helpers -----------------------------------------------------------------------------------------------

    static BufferedImage noise(int width, int height, long seed) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Random random = new Random(seed);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                image.setRGB(x, y, random.nextInt(1 << 24));
            }
        }
        return image;
    }

    private static void fill(WritableRaster raster, int fromX, int toX, int[] pixel) {
        for (int y = 0; y < raster.getHeight(); y++) {
            for (int x = fromX; x < toX; x++) {
                raster.setPixel(x, y, pixel);
            }
        }
    }

    /** Every channel at (x, y) within tolerance of rgb. */
    private static void assertClose(int[] expected, RgbImage image, int x, int y, int tolerance) {
        for (int c = 0; c < 3; c++) {
            int actual = image.sample(x, y, c);
            assertTrue(Math.abs(actual - expected[c]) <= tolerance, "channel " + c + " at (" + x + ", " + y
                    + "): expected about " + expected[c] + ", got " + actual);
        }
    }

    private static ImageRejectedException assertReason(Reason reason, org.junit.jupiter.api.function.Executable call) {
        ImageRejectedException e = assertThrows(ImageRejectedException.class, call);
        assertEquals(reason, e.reason(), e.getMessage());
        return e;
    }
}
