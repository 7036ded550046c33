package io.facestream.model.image;

import io.facestream.model.image.ContainerCheck.Format;
import io.facestream.model.image.ImageRejectedException.Reason;

import javax.imageio.IIOException;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.spi.IIORegistry;
import javax.imageio.spi.ImageReaderSpi;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Decodes JPEG and PNG bytes (or takes raw RGB bytes) into an {@link RgbImage}, refusing with an
 * {@link ImageRejectedException} whatever is empty, cut, damaged, too big or not convertible. Stateless and
 * thread-safe: every call gets its own ImageIO reader.
 *
 * <p>Order of checks: size in bytes, magic bytes, container structure ({@link ContainerCheck}), then the
 * dimensions from the header (ImageReader.getWidth/getHeight read the header only) against the pixel limit, and
 * only then the pixels. Reader warnings count: a JPEG the decoder calls truncated or corrupt ("Corrupt JPEG data:
 * ...") is rejected rather than returned with grey or garbled parts; other warnings (a CMYK JPEG without an ICC
 * profile) are not errors.
 */
public final class ImageDecoder {

    /**
     * The TwelveMonkeys JPEG reader (CMYK and YCCK JPEG, which the JDK's reader refuses). It is taken from, or put
     * into, ImageIO's registry explicitly: the registry scans only the class loader that was current when it was
     * first used, which under an application server or Quarkus need not be the one holding TwelveMonkeys.
     * Registering it also ranks it above the JDK's JPEG reader, to which it delegates ordinary JPEGs.
     */
    private static final ImageReaderSpi JPEG_READER = registeredJpegReader();

    private static final Pattern RAW_RGB = Pattern.compile(
            "application/x-rgb\\s*;\\s*width\\s*=\\s*(\\d{1,6})\\s*;\\s*height\\s*=\\s*(\\d{1,6})\\s*");

    private final ImageLimits limits;

    public ImageDecoder() {
        this(ImageLimits.DEFAULT);
    }

    public ImageDecoder(ImageLimits limits) {
        if (limits == null) {
            throw new IllegalArgumentException("limits are required");
        }
        this.limits = limits;
    }

    public ImageLimits limits() {
        return limits;
    }

    /** Decodes a JPEG or PNG to 8-bit RGB (see {@link RgbConversion} for grey, palette, 16-bit and alpha). */
    public RgbImage decode(byte[] encoded) {
        if (encoded == null || encoded.length == 0) {
            throw new ImageRejectedException(Reason.EMPTY, "no image bytes");
        }
        if (encoded.length > limits.maxBytes()) {
            throw new ImageRejectedException(Reason.TOO_LARGE_BYTES, encoded.length + " bytes, the limit is "
                    + limits.maxBytes());
        }
        Format format = ContainerCheck.sniff(encoded);
        if (format == Format.PNG) {
            ContainerCheck.checkPng(encoded);
        } else {
            ContainerCheck.checkJpegHeader(encoded);
        }
        ImageReader reader = newReader(format);
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(encoded))) {
            reader.setInput(in, true, true);
            List<String> warnings = new ArrayList<>();
            reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
            int width = reader.getWidth(0);
            int height = reader.getHeight(0);
            if (width <= 0 || height <= 0) {
                throw new ImageRejectedException(Reason.ZERO_SIZE, format + " header says " + width + "x" + height);
            }
            checkPixelCount(format + " header says", width, height);
            BufferedImage image = reader.read(0);
            rejectOnDecoderWarnings(format, warnings);
            return RgbConversion.toRgb(image);
        } catch (IOException e) {
            throw classify(format, e);
        } catch (ImageRejectedException e) {
            throw e;
        } catch (RuntimeException e) {
            // readers throw assorted runtime exceptions (IllegalArgumentException, index errors) on malformed data
            throw new ImageRejectedException(Reason.CORRUPT, format + " could not be decoded: " + e, e);
        } finally {
            reader.dispose();
        }
    }

    /**
     * Decodes a message's image by its content type, the one rule every service applies: image/jpeg (or image/jpg)
     * and image/png are decoded by their signature, application/x-rgb;width=W;height=H is raw RGB, and any other
     * type is {@link Reason#UNSUPPORTED_FORMAT}.
     */
    public RgbImage decode(String contentType, byte[] bytes) {
        String type = contentType == null ? "" : contentType.trim().toLowerCase(Locale.ROOT);
        if (type.equals("image/jpeg") || type.equals("image/jpg") || type.equals("image/png")) {
            return decode(bytes);
        }
        Matcher raw = RAW_RGB.matcher(type);
        if (raw.matches()) {
            return fromRawRgb(bytes, Integer.parseInt(raw.group(1)), Integer.parseInt(raw.group(2)));
        }
        throw new ImageRejectedException(Reason.UNSUPPORTED_FORMAT, "unsupported content type '" + contentType
                + "' (image/jpeg, image/png or application/x-rgb;width=W;height=H)");
    }

    /** Wraps raw interleaved RGB bytes (width * height * 3, rows top to bottom), after the same limits. */
    public RgbImage fromRawRgb(byte[] rgb, int width, int height) {
        if (rgb == null || rgb.length == 0) {
            throw new ImageRejectedException(Reason.EMPTY, "no pixel bytes");
        }
        if (width <= 0 || height <= 0) {
            throw new ImageRejectedException(Reason.ZERO_SIZE, "raw RGB of " + width + "x" + height);
        }
        checkPixelCount("raw RGB of", width, height);
        long expected = (long) width * height * 3;
        if (rgb.length != expected) {
            throw new ImageRejectedException(Reason.RAW_SIZE_MISMATCH, "raw RGB of " + width + "x" + height
                    + " needs " + expected + " bytes, got " + rgb.length);
        }
        return new RgbImage(width, height, rgb);
    }

    private void checkPixelCount(String what, int width, int height) {
        long pixels = (long) width * height;
        if (pixels > limits.maxPixels()) {
            throw new ImageRejectedException(Reason.TOO_MANY_PIXELS, what + " " + width + "x" + height + " = "
                    + pixels + " pixels, the limit is " + limits.maxPixels());
        }
    }

    private static ImageReader newReader(Format format) {
        try {
            if (format == Format.JPEG) {
                return JPEG_READER.createReaderInstance();
            }
            Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName("png");
            if (!readers.hasNext()) {
                throw new IllegalStateException("this JDK has no PNG reader");
            }
            return readers.next();
        } catch (IOException e) {
            throw new IllegalStateException("cannot create a " + format + " reader", e);
        }
    }

    private static void rejectOnDecoderWarnings(Format format, List<String> warnings) {
        for (String warning : warnings) {
            String w = warning.toLowerCase(Locale.ROOT);
            if (w.contains("truncated") || w.contains("premature end of jpeg file")) {
                throw new ImageRejectedException(Reason.TRUNCATED, format + " decoder: " + String.join("; ", warnings));
            }
        }
        for (String warning : warnings) {
            if (warning.toLowerCase(Locale.ROOT).contains("corrupt")) {
                throw new ImageRejectedException(Reason.CORRUPT, format + " decoder: " + String.join("; ", warnings));
            }
        }
    }

    private static ImageRejectedException classify(Format format, IOException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof EOFException) {
                return new ImageRejectedException(Reason.TRUNCATED, format + " data ends early: " + e.getMessage(), e);
            }
        }
        String message = String.valueOf(e.getMessage());
        // the JDK's JPEG reader refuses CMYK/YCCK this way when TwelveMonkeys is missing
        if (e instanceof IIOException && message.contains("Unsupported Image Type")) {
            return new ImageRejectedException(Reason.UNSUPPORTED_COLOR_MODEL, format + ": " + message, e);
        }
        return new ImageRejectedException(Reason.CORRUPT, format + " could not be decoded: " + message, e);
    }

    private static ImageReaderSpi registeredJpegReader() {
        IIORegistry registry = IIORegistry.getDefaultInstance();
        var spiClass = com.twelvemonkeys.imageio.plugins.jpeg.JPEGImageReaderSpi.class;
        ImageReaderSpi spi = registry.getServiceProviderByClass(spiClass);
        if (spi == null) {
            spi = new com.twelvemonkeys.imageio.plugins.jpeg.JPEGImageReaderSpi();
            registry.registerServiceProvider(spi, ImageReaderSpi.class);
        }
        return spi;
    }
}
