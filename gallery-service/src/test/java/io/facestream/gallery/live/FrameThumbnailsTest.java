package io.facestream.gallery.live;

import io.facestream.events.domain.FaceBox;
import io.facestream.events.domain.FrameEvent;
import io.facestream.model.image.ImageDecoder;
import io.facestream.model.image.ImageRejectedException;
import io.facestream.model.image.RgbImage;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FrameThumbnailsTest {

    /** 200x100: left half blue, right half green, a red "face" at (120, 20) of 40x40. */
    static BufferedImage scene() {
        BufferedImage image = new BufferedImage(200, 100, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(Color.BLUE);
        g.fillRect(0, 0, 100, 100);
        g.setColor(Color.GREEN);
        g.fillRect(100, 0, 100, 100);
        g.setColor(Color.RED);
        g.fillRect(120, 20, 40, 40);
        g.dispose();
        return image;
    }

    static final FaceBox FACE = new FaceBox(120, 20, 40, 40, 0.99);

    static byte[] png(BufferedImage image) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ImageIO.write(image, "png", out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static FrameEvent frame(String id, byte[] image) {
        return new FrameEvent(id, "cam-1", 1, "image/png", false, image);
    }

    static BufferedImage read(byte[] jpeg) {
        try {
            return ImageIO.read(new ByteArrayInputStream(jpeg));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Which of red, green, blue dominates the pixel (the thumbnail is a JPEG: colours are close, not exact). */
    static char dominant(BufferedImage image, int x, int y) {
        int rgb = image.getRGB(x, y);
        int r = (rgb >> 16) & 0xFF;
        int g = (rgb >> 8) & 0xFF;
        int b = rgb & 0xFF;
        return r > g + 80 && r > b + 80 ? 'R' : g > r + 80 && g > b + 80 ? 'G' : b > r + 80 && b > g + 80 ? 'B' : '?';
    }

    @Test
    void a_face_box_gives_a_square_around_the_face() {
        FrameThumbnails thumbnails = new FrameThumbnails(10, 1 << 20, 96);
        thumbnails.putFrame(frame("f1", png(scene())));
        thumbnails.noteBox("f1", 0, FACE);

        BufferedImage t = read(thumbnails.thumbnail("f1", 0).orElseThrow());

        assertEquals(96, t.getWidth());
        assertEquals(96, t.getHeight());
        assertEquals('R', dominant(t, 48, 48), "the face in the middle");
        // the square is 1.3 x the box: 52 px from (114, 14), so its corners show the green around the face
        assertEquals('G', dominant(t, 2, 2));
        assertEquals('G', dominant(t, 93, 93));
    }

    @Test
    void without_a_box_the_whole_frame_is_fitted() {
        FrameThumbnails thumbnails = new FrameThumbnails(10, 1 << 20, 96);
        thumbnails.putFrame(frame("f1", png(scene())));

        BufferedImage t = read(thumbnails.thumbnail("f1", 0).orElseThrow());

        // 200x100 becomes 192x96 and its centre square is kept: frame x 50..150
        assertEquals(96, t.getWidth());
        assertEquals('B', dominant(t, 10, 48));
        assertEquals('G', dominant(t, 70, 90));
        assertEquals('R', dominant(t, 88, 40));
    }

    @Test
    void the_match_may_come_before_its_frame() {
        FrameThumbnails thumbnails = new FrameThumbnails(10, 1 << 20, 96);
        thumbnails.noteBox("f1", 2, FACE);
        assertTrue(thumbnails.thumbnail("f1", 2).isEmpty(), "no frame yet");

        thumbnails.putFrame(frame("f1", png(scene())));

        assertEquals('R', dominant(read(thumbnails.thumbnail("f1", 2).orElseThrow()), 48, 48));
    }

    @Test
    void raw_rgb_frames_are_read_by_their_content_type() {
        BufferedImage scene = scene();
        byte[] rgb = new byte[200 * 100 * 3];
        for (int y = 0; y < 100; y++) {
            for (int x = 0; x < 200; x++) {
                int p = scene.getRGB(x, y);
                int i = (y * 200 + x) * 3;
                rgb[i] = (byte) (p >> 16);
                rgb[i + 1] = (byte) (p >> 8);
                rgb[i + 2] = (byte) p;
            }
        }
        FrameThumbnails thumbnails = new FrameThumbnails(10, 1 << 20, 64);
        thumbnails.putFrame(new FrameEvent("raw", "cam-1", 1, "application/x-rgb;width=200;height=100", false, rgb));
        thumbnails.noteBox("raw", 0, FACE);

        BufferedImage t = read(thumbnails.thumbnail("raw", 0).orElseThrow());

        assertEquals(64, t.getWidth());
        assertEquals('R', dominant(t, 32, 32));
    }

    @Test
    void a_thumbnail_is_made_once() {
        FrameThumbnails thumbnails = new FrameThumbnails(10, 1 << 20, 96);
        byte[] image = png(scene());
        thumbnails.putFrame(frame("f1", image));

        byte[] first = thumbnails.thumbnail("f1", 0).orElseThrow();

        assertSame(first, thumbnails.thumbnail("f1", 0).orElseThrow());
        assertEquals(image.length + first.length, thumbnails.bytes(), "the thumbnail counts against the budget");
    }

    @Test
    void the_least_recently_used_frame_goes_first() {
        FrameThumbnails thumbnails = new FrameThumbnails(3, 1 << 20, 32);
        byte[] image = png(scene());
        thumbnails.putFrame(frame("f1", image));
        thumbnails.putFrame(frame("f2", image));
        thumbnails.putFrame(frame("f3", image));
        thumbnails.thumbnail("f1", 0).orElseThrow(); // f1 is looked at: f2 is now the least recently used

        thumbnails.putFrame(frame("f4", image));

        assertEquals(3, thumbnails.size());
        assertTrue(thumbnails.thumbnail("f2", 0).isEmpty(), "f2 evicted");
        assertTrue(thumbnails.thumbnail("f1", 0).isPresent());
        assertTrue(thumbnails.thumbnail("f4", 0).isPresent());
    }

    @Test
    void frames_are_evicted_to_stay_within_the_byte_budget() {
        byte[] image = png(scene());
        FrameThumbnails thumbnails = new FrameThumbnails(100, image.length * 2L + image.length / 2, 32);
        thumbnails.putFrame(frame("f1", image));
        thumbnails.putFrame(frame("f2", image));
        thumbnails.putFrame(frame("f3", image));

        assertEquals(2, thumbnails.size());
        assertTrue(thumbnails.thumbnail("f1", 0).isEmpty());
        assertTrue(thumbnails.bytes() <= image.length * 2L + image.length / 2);

        byte[] huge = Arrays.copyOf(image, image.length * 3);
        thumbnails.putFrame(frame("huge", huge));
        assertTrue(thumbnails.thumbnail("huge", 0).isEmpty(), "a frame larger than the budget is not kept");
        assertTrue(thumbnails.thumbnail("f3", 0).isPresent(), "and evicts nothing");
    }

    @Test
    void an_undecodable_frame_is_refused_and_an_unknown_one_is_absent() {
        FrameThumbnails thumbnails = new FrameThumbnails(10, 1 << 20, 96);
        thumbnails.putFrame(frame("bad", "not an image".getBytes(StandardCharsets.UTF_8)));

        assertThrows(ImageRejectedException.class, () -> thumbnails.thumbnail("bad", 0));
        assertTrue(thumbnails.thumbnail("never-seen", 0).isEmpty());
    }

    @Test
    void a_box_past_the_frame_edge_still_gives_a_full_square() {
        RgbImage image = new ImageDecoder().decode(png(scene()));

        RgbImage square = ThumbnailMaker.square(image, new FaceBox(180, 70, 60, 60, 0.9));

        assertEquals(78, square.width(), "1.3 x 60");
        assertEquals(78, square.height());
        assertEquals(255, square.sample(square.width() - 1, square.height() - 1, 1),
                "moved inside the frame: its corner is the frame's green corner");
    }
}
