package io.facestream.embedder.detect;

import io.facestream.embedder.detect.FaceAligner.Crop;
import io.facestream.model.image.ImagePreprocessor;
import io.facestream.model.image.Preprocessing;
import io.facestream.model.image.RgbImage;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

class FaceAlignerTest {

    /** A level face: eyes 40 px apart at y 100, mouth 40 px below their midpoint (200, 100). */
    private static final float[] LEVEL = {180, 100, 220, 100, 200, 120, 200, 140, 160, 110, 240, 110};

    @Test
    void levelFaceCropIsCentredBelowTheEyesAndScaledByEyeAndMouthDistances() {
        Crop crop = FaceAligner.crop(LEVEL);
        assertEquals(0, crop.angle(), 1e-9);
        assertEquals(FaceAligner.SIDE_PER_SCALE * 40, crop.side(), 1e-9);
        assertEquals(200, crop.centreX(), 1e-9);
        assertEquals(100 + FaceAligner.CENTRE_BELOW_EYES * 40, crop.centreY(), 1e-9);
    }

    @Test
    void turningTheKeypointsTurnsTheCropAboutTheSameFacePoint() {
        double turn = Math.toRadians(30);
        float[] turned = rotate(LEVEL, turn, 300, 250);
        Crop level = FaceAligner.crop(LEVEL);
        Crop crop = FaceAligner.crop(turned);
        assertEquals(turn, crop.angle(), 1e-6);
        assertEquals(level.side(), crop.side(), 1e-3);
        float[] centre = rotate(new float[] {(float) level.centreX(), (float) level.centreY()}, turn, 300, 250);
        assertEquals(centre[0], crop.centreX(), 1e-3);
        assertEquals(centre[1], crop.centreY(), 1e-3);
    }

    @Test
    void unrotatedCropOnPixelCentresCopiesThePixels() {
        RgbImage image = noise(40, 30, 1);
        RgbImage sampled = FaceAligner.sample(image, new Crop(15 + 8, 10 + 8, 16, 0), 16);
        assertEquals(image.crop(15, 10, 16, 16), sampled);
    }

    @Test
    void quarterTurnSamplesTheRotatedImageAndBlackOutside() {
        RgbImage image = noise(8, 8, 2);
        // the crop's horizontal axis points down the frame: output (j, i) reads frame (x, y) = (7 - i, j)
        RgbImage sampled = FaceAligner.sample(image, new Crop(4, 4, 8, Math.PI / 2), 8);
        for (int i = 0; i < 8; i++) {
            for (int j = 0; j < 8; j++) {
                for (int c = 0; c < 3; c++) {
                    assertEquals(image.sample(7 - i, j, c), sampled.sample(j, i, c), "(" + j + ", " + i + ")");
                }
            }
        }
        RgbImage outside = FaceAligner.sample(image, new Crop(100, 100, 8, 0.3), 8);
        assertEquals(new RgbImage(8, 8, new byte[8 * 8 * 3]), outside);
    }

    @Test
    void alignedCropHasTheRequestedSizeWhateverTheFaceSize() {
        RgbImage frame = noise(640, 480, 3);
        ImagePreprocessor fitter = new ImagePreprocessor(Preprocessing.minusOneToOne(112));
        for (float scale : new float[] {0.25f, 1f, 8f}) {
            float[] keypoints = LEVEL.clone();
            for (int k = 0; k < keypoints.length; k++) {
                keypoints[k] *= scale;
            }
            RgbImage aligned = FaceAligner.align(frame, keypoints, fitter);
            assertEquals(112, aligned.width());
            assertEquals(112, aligned.height());
        }
    }

    private static float[] rotate(float[] points, double angle, float cx, float cy) {
        float[] out = new float[points.length];
        for (int i = 0; i < points.length; i += 2) {
            double dx = points[i] - cx;
            double dy = points[i + 1] - cy;
            out[i] = (float) (cx + dx * Math.cos(angle) - dy * Math.sin(angle));
            out[i + 1] = (float) (cy + dx * Math.sin(angle) + dy * Math.cos(angle));
        }
        return out;
    }

    private static RgbImage noise(int width, int height, long seed) {
        byte[] rgb = new byte[width * height * 3];
        new Random(seed).nextBytes(rgb);
        return new RgbImage(width, height, rgb);
    }
}
