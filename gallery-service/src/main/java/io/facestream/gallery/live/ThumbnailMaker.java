package io.facestream.gallery.live;

import io.facestream.events.domain.FaceBox;
import io.facestream.model.image.ImageDecoder;
import io.facestream.model.image.ImagePreprocessor;
import io.facestream.model.image.ImageRejectedException;
import io.facestream.model.image.Preprocessing;
import io.facestream.model.image.RgbImage;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * A small square JPEG of a face in a frame: the frame decoded as the embedder decodes it (face-model's decoder),
 * a square around the face box with some room around it (the whole frame when there is no box), fitted to
 * {@code size} pixels by face-model's resampling. Thread-safe.
 */
final class ThumbnailMaker {

    /** Side of the square around a face box, relative to the box's longer side: some hair and chin around it. */
    static final double MARGIN = 1.3;
    private static final float JPEG_QUALITY = 0.85f;

    private final ImageDecoder decoder = new ImageDecoder();
    private final ImagePreprocessor fitter;

    ThumbnailMaker(int size) {
        // only fit() is used: the resize-and-centre-crop of the model input path, without normalisation
        this.fitter = new ImagePreprocessor(Preprocessing.minusOneToOne(size), decoder);
    }

    /** @throws ImageRejectedException when the frame cannot be decoded */
    byte[] thumbnail(String contentType, byte[] encoded, FaceBox box) {
        RgbImage frame = decoder.decode(contentType, encoded);
        RgbImage face = box == null ? frame : square(frame, box);
        return jpeg(fitter.fit(face));
    }

    /**
     * The square around the box's centre, MARGIN times its longer side, moved (not cut) to lie inside the frame and
     * no larger than the frame's shorter side. Boxes reaching past the frame's edge (detectors allow it) still give
     * a full square.
     */
    static RgbImage square(RgbImage frame, FaceBox box) {
        int side = (int) Math.round(Math.max(box.width(), box.height()) * MARGIN);
        side = Math.max(1, Math.min(side, Math.min(frame.width(), frame.height())));
        double centreX = box.x() + box.width() / 2.0;
        double centreY = box.y() + box.height() / 2.0;
        int left = clamp((int) Math.round(centreX - side / 2.0), frame.width() - side);
        int top = clamp((int) Math.round(centreY - side / 2.0), frame.height() - side);
        return frame.crop(left, top, side, side);
    }

    private static int clamp(int value, int max) {
        return Math.max(0, Math.min(value, max));
    }

    private static byte[] jpeg(RgbImage image) {
        BufferedImage out = new BufferedImage(image.width(), image.height(), BufferedImage.TYPE_3BYTE_BGR);
        byte[] bgr = ((DataBufferByte) out.getRaster().getDataBuffer()).getData();
        byte[] rgb = image.rgb();
        for (int i = 0; i < rgb.length; i += 3) {
            bgr[i] = rgb[i + 2];
            bgr[i + 1] = rgb[i + 1];
            bgr[i + 2] = rgb[i];
        }
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(8192);
        try (MemoryCacheImageOutputStream stream = new MemoryCacheImageOutputStream(bytes)) {
            writer.setOutput(stream);
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(JPEG_QUALITY);
            writer.write(null, new IIOImage(out, null, null), param);
        } catch (IOException e) {
            throw new UncheckedIOException("writing a thumbnail JPEG in memory failed", e);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }
}
