package io.facestream.embedder.detect;

import io.facestream.embedder.detect.DetectedFace.Keypoint;
import io.facestream.events.domain.FaceBox;
import io.facestream.model.image.ImageDecoder;
import io.facestream.model.image.ImagePreprocessor;
import io.facestream.model.image.Preprocessing;
import io.facestream.model.image.RgbImage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The real BlazeFace model (put on the classpath by the build) on frames composed from real face crops of lfw112,
 * which the tests read from the folder in system property facestream.faces.dir and skip without.
 */
class BlazeFaceDetectorTest {

    private static final int BACKGROUND = 200;
    /** lfw112 crops are enlarged to this size before being placed: the short-range model wants large faces. */
    private static final int FACE = 200;

    private static final List<String> ROTATED_PEOPLE =
            List.of("Tony_Blair", "Colin_Powell", "Serena_Williams", "Junichiro_Koizumi");

    private static BlazeFaceDetector detector;

    @BeforeAll
    static void load() {
        detector = BlazeFaceDetector.fromClasspath();
    }

    @AfterAll
    static void close() {
        detector.close();
    }

    @Test
    void flatAndNoiseFramesHaveNoFace() {
        assertTrue(detector.detect(flat(640, 480, BACKGROUND)).isEmpty(), "flat grey frame");
        assertTrue(detector.detect(flat(640, 480, 0)).isEmpty(), "black frame");
        byte[] noise = new byte[640 * 480 * 3];
        new Random(7).nextBytes(noise);
        assertTrue(detector.detect(new RgbImage(640, 480, noise)).isEmpty(), "uniform noise");
    }

    @Test
    void findsThreeFacesWhereTheyWerePlacedAndAlignsEachToItsCrop() throws IOException {
        RgbImage[] crops = {lfw("Colin_Powell"), lfw("Serena_Williams"), lfw("Junichiro_Koizumi")};
        int width = 800;
        int height = 450;
        int[] xs = {40, 300, 560};
        int y = 125;
        RgbImage frame = flat(width, height, BACKGROUND);
        for (int i = 0; i < crops.length; i++) {
            frame = paste(frame, enlarge(crops[i], FACE), xs[i], y);
        }

        List<DetectedFace> faces = detector.detect(frame);

        assertEquals(3, faces.size(), "faces found: " + faces.stream().map(DetectedFace::box).toList());
        boolean[] matched = new boolean[crops.length];
        for (DetectedFace face : faces) {
            FaceBox box = face.box();
            int centreX = box.x() + box.width() / 2;
            int i = nearest(xs, centreX - FACE / 2);
            assertTrue(!matched[i], "two detections for the face at x " + xs[i]);
            matched[i] = true;
            double overlap = iou(box, xs[i], y, FACE, FACE);
            assertTrue(overlap > 0.5, "box " + box + " overlaps the placed face at (" + xs[i] + ", " + y + ") by "
                    + overlap);
            assertTrue(box.confidence() >= 0.5 && box.confidence() <= 1, "score " + box.confidence());
            assertPlausibleKeypoints(face, xs[i], y);
            assertEquals(BlazeFaceDetector.DEFAULT_ALIGNED_SIZE, face.aligned().width());
            assertEquals(BlazeFaceDetector.DEFAULT_ALIGNED_SIZE, face.aligned().height());
            // framed like the training crops, the aligned face comes out close to the lfw112 crop it was made of
            double own = coarseDifference(face.aligned(), crops[i]);
            assertTrue(own < 30, "aligned face " + i + " differs from its own crop by " + own);
            for (int j = 0; j < crops.length; j++) {
                if (j != i) {
                    double other = coarseDifference(face.aligned(), crops[j]);
                    assertTrue(own < 0.6 * other, "aligned face " + i + " differs from its own crop by " + own
                            + ", from crop " + j + " by " + other);
                }
            }
            System.out.printf("face at x %d: box %s, roll %.1f deg, aligned vs own crop %.1f%n", xs[i], box,
                    face.rollDegrees(), own);
        }
        List<DetectedFace> small = detector.detect(frame, 64);
        assertEquals(3, small.size());
        assertEquals(64, small.get(0).aligned().width());
        printTiming(frame);
    }

    @Test
    void rotatedFacesComeOutUpright() throws IOException {
        double sumAbsoluteRoll = 0;
        int cases = 0;
        for (String person : ROTATED_PEOPLE) {
            RgbImage face = enlarge(lfw(person), FACE);
            // a tall frame, so that the letterboxing pads left and right
            DetectedFace upright = single(detector.detect(paste(flat(480, 640, BACKGROUND), face, 140, 220)));
            for (int degrees : new int[] {20, -20}) {
                DetectedFace turned = single(detector.detect(rotatedOnCanvas(face, degrees, 480, 640)));
                assertEquals(degrees, turned.rollDegrees(), 8, person + ": the keypoints see the rotation");
                // measured again by the detector on the aligned crop itself: the eye line is about level
                DetectedFace again = single(detector.detect(
                        paste(flat(336, 336, BACKGROUND), turned.aligned(), 112, 112)));
                assertEquals(0, again.rollDegrees(), 10, person + " turned " + degrees + " degrees: roll left in "
                        + "the aligned crop");
                sumAbsoluteRoll += Math.abs(again.rollDegrees());
                cases++;
                double sameFace = coarseDifference(turned.aligned(), upright.aligned());
                assertTrue(sameFace < 25, person + ": aligned crops of the turned and upright face differ by "
                        + sameFace);
                System.out.printf("%s turned %d degrees: roll %.1f in the frame, %.1f in the aligned crop; aligned "
                        + "crops of the turned and upright face differ by %.1f%n", person, degrees,
                        turned.rollDegrees(), again.rollDegrees(), sameFace);
            }
        }
        // BlazeFace's eye keypoints are good to a few degrees, so each crop is nearly level and on average level
        assertTrue(sumAbsoluteRoll / cases < 5, "mean roll left in the aligned crops " + sumAbsoluteRoll / cases);
    }

    @Test
    void missingModelResourceFailsClearly() {
        Thread thread = Thread.currentThread();
        ClassLoader original = thread.getContextClassLoader();
        thread.setContextClassLoader(new URLClassLoader(new URL[0], null));
        try {
            IllegalStateException e = assertThrows(IllegalStateException.class, BlazeFaceDetector::classpathModel);
            assertTrue(e.getMessage().contains(BlazeFaceDetector.MODEL_RESOURCE), e.getMessage());
            assertTrue(e.getMessage().contains("@mediapipe/face_detection"), e.getMessage());
        } finally {
            thread.setContextClassLoader(original);
        }
    }

    @Test
    void refusesBadSettingsAndUseAfterClose() {
        byte[] model = BlazeFaceDetector.classpathModel();
        assertThrows(IllegalArgumentException.class, () -> new BlazeFaceDetector(model, 8, 0.5f));
        assertThrows(IllegalArgumentException.class, () -> new BlazeFaceDetector(model, 112, 1.5f));
        BlazeFaceDetector closed = new BlazeFaceDetector(model, 112, 0.5f);
        closed.close();
        assertThrows(IllegalStateException.class, () -> closed.detect(flat(64, 64, 0)));
    }

    private static void assertPlausibleKeypoints(DetectedFace face, int x, int y) {
        // the person's right eye is on the image's left; both eyes above the nose, the nose above the mouth
        assertTrue(face.x(Keypoint.RIGHT_EYE) < face.x(Keypoint.LEFT_EYE), "eye order");
        assertTrue(face.y(Keypoint.RIGHT_EYE) < face.y(Keypoint.NOSE_TIP), "right eye above the nose");
        assertTrue(face.y(Keypoint.LEFT_EYE) < face.y(Keypoint.NOSE_TIP), "left eye above the nose");
        assertTrue(face.y(Keypoint.NOSE_TIP) < face.y(Keypoint.MOUTH_CENTER), "nose above the mouth");
        for (Keypoint k : List.of(Keypoint.RIGHT_EYE, Keypoint.LEFT_EYE, Keypoint.NOSE_TIP, Keypoint.MOUTH_CENTER)) {
            assertTrue(face.x(k) > x && face.x(k) < x + FACE && face.y(k) > y && face.y(k) < y + FACE,
                    k + " outside the placed face");
        }
    }

    private static void printTiming(RgbImage frame) {
        for (int i = 0; i < 3; i++) {
            detector.detect(frame);
        }
        int runs = 20;
        long start = System.nanoTime();
        for (int i = 0; i < runs; i++) {
            detector.detect(frame);
        }
        System.out.printf("detect + align 3 faces in a %dx%d frame: %.1f ms a frame%n", frame.width(),
                frame.height(), (System.nanoTime() - start) / 1e6 / runs);
    }

    private static DetectedFace single(List<DetectedFace> faces) {
        assertEquals(1, faces.size(), "faces found: " + faces.stream().map(DetectedFace::box).toList());
        return faces.get(0);
    }

    private static RgbImage lfw(String person) throws IOException {
        String dir = System.getProperty("facestream.faces.dir", "../../shared/data/lfw112");
        Path file = Path.of(dir, "train", person, person + "_0001.jpg");
        assumeTrue(Files.isRegularFile(file), "skipped: real face crops not found (" + file.toAbsolutePath()
                + "; set system property facestream.faces.dir to the lfw112 folder)");
        return new ImageDecoder().decode(Files.readAllBytes(file));
    }

    private static RgbImage enlarge(RgbImage crop, int size) {
        return new ImagePreprocessor(Preprocessing.minusOneToOne(size)).fit(crop);
    }

    private static RgbImage flat(int width, int height, int grey) {
        byte[] rgb = new byte[width * height * 3];
        Arrays.fill(rgb, (byte) grey);
        return new RgbImage(width, height, rgb);
    }

    private static RgbImage paste(RgbImage frame, RgbImage image, int x, int y) {
        byte[] rgb = frame.rgb().clone();
        for (int row = 0; row < image.height(); row++) {
            System.arraycopy(image.rgb(), row * image.width() * 3, rgb, ((y + row) * frame.width() + x) * 3,
                    image.width() * 3);
        }
        return new RgbImage(frame.width(), frame.height(), rgb);
    }

    /** The image turned clockwise by degrees about its centre, centred on a flat canvas (drawn by Java2D). */
    private static RgbImage rotatedOnCanvas(RgbImage image, int degrees, int width, int height) {
        BufferedImage source = new BufferedImage(image.width(), image.height(), BufferedImage.TYPE_3BYTE_BGR);
        swapRedBlue(image.rgb(), ((DataBufferByte) source.getRaster().getDataBuffer()).getData());
        BufferedImage canvas = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = canvas.createGraphics();
        g.setColor(new java.awt.Color(BACKGROUND, BACKGROUND, BACKGROUND));
        g.fillRect(0, 0, width, height);
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        AffineTransform t = new AffineTransform();
        t.translate(width / 2.0, height / 2.0);
        t.rotate(Math.toRadians(degrees));
        t.translate(-image.width() / 2.0, -image.height() / 2.0);
        g.drawImage(source, t, null);
        g.dispose();
        byte[] rgb = new byte[width * height * 3];
        swapRedBlue(((DataBufferByte) canvas.getRaster().getDataBuffer()).getData(), rgb);
        return new RgbImage(width, height, rgb);
    }

    private static void swapRedBlue(byte[] from, byte[] to) {
        for (int p = 0; p < from.length; p += 3) {
            to[p] = from[p + 2];
            to[p + 1] = from[p + 1];
            to[p + 2] = from[p];
        }
    }

    /**
     * Mean absolute difference (0..255) of the central 3/4 of two square face crops (the face, without the corners
     * that a rotation fills with background), reduced to 16 x 16: blind to shifts of a pixel or two, which
     * full-resolution differences punish as hard as a different face.
     */
    private static double coarseDifference(RgbImage face, RgbImage otherFace) {
        ImagePreprocessor coarse = new ImagePreprocessor(Preprocessing.minusOneToOne(16));
        RgbImage a = coarse.fit(centre(face));
        RgbImage b = coarse.fit(centre(otherFace));
        long sum = 0;
        for (int i = 0; i < a.rgb().length; i++) {
            sum += Math.abs((a.rgb()[i] & 0xFF) - (b.rgb()[i] & 0xFF));
        }
        return (double) sum / a.rgb().length;
    }

    private static RgbImage centre(RgbImage square) {
        int margin = square.width() / 8;
        return square.crop(margin, margin, square.width() - 2 * margin, square.height() - 2 * margin);
    }

    private static int nearest(int[] values, int target) {
        int best = 0;
        for (int i = 1; i < values.length; i++) {
            if (Math.abs(values[i] - target) < Math.abs(values[best] - target)) {
                best = i;
            }
        }
        return best;
    }

    private static double iou(FaceBox box, int x, int y, int width, int height) {
        int ix = Math.min(box.x() + box.width(), x + width) - Math.max(box.x(), x);
        int iy = Math.min(box.y() + box.height(), y + height) - Math.max(box.y(), y);
        if (ix <= 0 || iy <= 0) {
            return 0;
        }
        double intersection = (double) ix * iy;
        return intersection / ((double) box.width() * box.height() + (double) width * height - intersection);
    }
}
