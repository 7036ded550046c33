package io.facestream.cli;

import org.jcodec.api.FrameGrab;
import org.jcodec.api.JCodecException;
import org.jcodec.api.PictureWithMetadata;
import org.jcodec.common.DemuxerTrackMeta;
import org.jcodec.common.io.FileChannelWrapper;
import org.jcodec.common.io.NIOUtils;
import org.jcodec.common.model.Picture;
import org.jcodec.scale.AWTUtil;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.PriorityQueue;

/**
 * The frames of a video file in display order, decoded in pure Java by JCodec (H.264 in MP4; no native library), each
 * kept one encoded as a JPEG. Every frame is decoded (H.264 frames depend on others); only every step-th is kept.
 *
 * <p>JCodec's FrameGrab hands frames out in decoding order, which differs from display order in streams with
 * B-frames (most camera and x264 files), and it reuses one picture buffer. So each decoded picture is copied into a
 * window ordered by presentation time, and the earliest leaves once the window holds more than an H.264 decoder may
 * ever have to hold back (16 frames, the largest decoded picture buffer).
 */
final class VideoFrames implements AutoCloseable {

    /** One kept frame: its number in the video (from 0), its time in the video and its JPEG bytes. */
    record Frame(int number, double seconds, byte[] jpeg) {
    }

    private static final float JPEG_QUALITY = 0.92f;
    private static final int REORDER_WINDOW = 16;

    /** A decoded picture waiting for its turn. */
    private record Decoded(double seconds, Picture picture, DemuxerTrackMeta.Orientation orientation) {
    }

    private final FileChannelWrapper channel;
    private final FrameGrab grab;
    private final int step;
    private final int totalFrames;
    private final PriorityQueue<Decoded> window = new PriorityQueue<>(Comparator.comparingDouble(Decoded::seconds));
    private boolean decodedAll;
    private int decoded;
    private int next;

    VideoFrames(Path file, int step) throws IOException {
        this.step = step;
        this.channel = NIOUtils.readableChannel(file.toFile());
        try {
            this.grab = FrameGrab.createFrameGrab(channel);
            this.totalFrames = grab.getVideoTrack().getMeta().getTotalFrames();
        } catch (JCodecException | IOException | RuntimeException e) {
            channel.close();
            throw new IOException("JCodec cannot read it (it reads H.264 video in MP4): " + Text.reason(e), e);
        }
    }

    /** How many frames {@link #next()} will give, when the container tells the total. */
    int framesToKeep() {
        return totalFrames <= 0 ? 0 : (totalFrames + step - 1) / step;
    }

    /** The next kept frame, or null at the end of the video. */
    Frame next() throws IOException {
        while (true) {
            while (!decodedAll && window.size() <= REORDER_WINDOW) {
                decodeOne();
            }
            Decoded d = window.poll();
            if (d == null) {
                return null;
            }
            int number = next++;
            if (number % step == 0) {
                return new Frame(number, d.seconds(), jpeg(AWTUtil.toBufferedImage(d.picture(), d.orientation())));
            }
        }
    }

    private void decodeOne() throws IOException {
        PictureWithMetadata picture;
        try {
            picture = grab.getNativeFrameWithMetadata();
        } catch (IOException | RuntimeException e) {
            throw new IOException("JCodec could not decode frame " + decoded + " (in decoding order): "
                    + Text.reason(e), e);
        }
        if (picture == null) {
            decodedAll = true;
            return;
        }
        decoded++;
        // a copy of its own (cropped to the visible frame): the grabber decodes the next frame into the same buffer
        window.add(new Decoded(picture.getTimestamp(), picture.getPicture().cloneCropped(),
                picture.getOrientation()));
    }

    private static byte[] jpeg(BufferedImage image) throws IOException {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
            writer.setOutput(out);
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(JPEG_QUALITY);
            writer.write(null, new IIOImage(image, null, null), param);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
