package io.facestream.model.image;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;

/** Encodes test images in code: ImageIO writers, and PNG chunks by hand where a writer cannot make the case. */
final class TestImages {

    private TestImages() {
    }

    static byte[] png(BufferedImage image) {
        return write(image, "png");
    }

    static byte[] write(BufferedImage image, String format) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(image, format, out)) {
                throw new IllegalStateException("no " + format + " writer for image type " + image.getType());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static byte[] jpeg(BufferedImage image, float quality) {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ImageWriteParam param = writer.getDefaultWriteParam();
        param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
        param.setCompressionQuality(quality);
        return writeWith(writer, new IIOImage(image, null, null), param);
    }

    /**
     * A 4-channel JPEG from a raster (no colour conversion by the writer), with an Adobe APP14 segment inserted
     * after SOI saying how to read the channels: transform 0 = CMYK, 2 = YCCK. Adobe CMYK is stored inverted
     * (255 = no ink), as Photoshop writes it.
     */
    static byte[] adobeFourChannelJpeg(Raster raster, int transform) {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        byte[] plain = writeWith(writer, new IIOImage(raster, null, null), null);
        byte[] app14 = {(byte) 0xFF, (byte) 0xEE, 0, 14, 'A', 'd', 'o', 'b', 'e', 0, 100, 0, 0, 0, 0,
                (byte) transform};
        byte[] out = new byte[plain.length + app14.length];
        System.arraycopy(plain, 0, out, 0, 2);
        System.arraycopy(app14, 0, out, 2, app14.length);
        System.arraycopy(plain, 2, out, 2 + app14.length, plain.length - 2);
        return out;
    }

    private static byte[] writeWith(ImageWriter writer, IIOImage image, ImageWriteParam param) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
            writer.setOutput(out);
            writer.write(null, image, param);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }

    /**
     * An 8-bit greyscale PNG written chunk by chunk, all pixels 0, streamed through the deflater row by row so the
     * test never holds the pixels: 20000 x 20000 (400 MB decoded) is about 400 KB on disk.
     */
    static byte[] zeroGreyPng(int width, int height) {
        ByteArrayOutputStream idat = new ByteArrayOutputStream();
        try (DeflaterOutputStream z = new DeflaterOutputStream(idat, new Deflater(Deflater.BEST_COMPRESSION))) {
            byte[] row = new byte[width + 1]; // filter byte 0, then the samples
            for (int y = 0; y < height; y++) {
                z.write(row);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return pngFromChunks(width, height, 8, 0, idat.toByteArray());
    }

    /** A PNG with the given IHDR fields and IDAT payload, with correct CRCs. */
    static byte[] pngFromChunks(int width, int height, int bitDepth, int colourType, byte[] idat) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
        ByteArrayOutputStream ihdr = new ByteArrayOutputStream();
        try (DataOutputStream d = new DataOutputStream(ihdr)) {
            d.writeInt(width);
            d.writeInt(height);
            d.writeByte(bitDepth);
            d.writeByte(colourType);
            d.writeByte(0); // deflate
            d.writeByte(0); // adaptive filtering
            d.writeByte(0); // no interlace
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        chunk(out, "IHDR", ihdr.toByteArray());
        chunk(out, "IDAT", idat);
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
        byte[] typeBytes = type.getBytes(StandardCharsets.US_ASCII);
        CRC32 crc = new CRC32();
        crc.update(typeBytes);
        crc.update(data);
        try (DataOutputStream d = new DataOutputStream(out)) {
            d.writeInt(data.length);
            d.write(typeBytes);
            d.write(data);
            d.writeInt((int) crc.getValue());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Byte offset of the first JPEG marker 0xFF code (SOF0 = 0xC0, SOS = 0xDA). */
    static int jpegMarker(byte[] jpeg, int code) {
        for (int i = 2; i < jpeg.length - 1; i++) {
            if ((jpeg[i] & 0xFF) == 0xFF && (jpeg[i + 1] & 0xFF) == code) {
                return i;
            }
        }
        throw new IllegalArgumentException("no marker " + Integer.toHexString(code));
    }

    /** Byte offset of the first PNG chunk of this type (its length field). */
    static int pngChunk(byte[] png, String type) {
        byte[] t = type.getBytes(StandardCharsets.US_ASCII);
        for (int i = 8; i < png.length - 4; i++) {
            if (png[i + 4] == t[0] && png[i + 5] == t[1] && png[i + 6] == t[2] && png[i + 7] == t[3]) {
                return i;
            }
        }
        throw new IllegalArgumentException("no chunk " + type);
    }
}
