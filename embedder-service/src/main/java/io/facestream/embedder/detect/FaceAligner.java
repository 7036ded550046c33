package io.facestream.embedder.detect;

import io.facestream.embedder.detect.DetectedFace.Keypoint;
import io.facestream.model.image.ImagePreprocessor;
import io.facestream.model.image.RgbImage;

/**
 * Cuts an upright square face crop out of a frame from BlazeFace's keypoints, framed like the project's training
 * crops (lfw112: forehead to chin, eyes a little above the middle).
 *
 * <p>Geometry, all from keypoints so that it does not change when the face turns in the image plane: the crop's
 * horizontal axis is the eye line (right eye to left eye); the face's scale s is the mean of the eye distance and
 * the distance from the eyes' midpoint to the mouth; the crop is a square of side {@link #SIDE_PER_SCALE} x s
 * centred {@link #CENTRE_BELOW_EYES} x s below the eyes' midpoint, along the axis perpendicular to the eye line.
 * Both constants were measured by running the detector on 1,000 lfw112 crops (112 x 112, each alone on a grey
 * canvas; 997 found as one face): mean eye distance 38.8 px, eyes-to-mouth 41.8 px, so s = 40.25 px, and the eyes'
 * midpoint at y = 45.7; the crop that reproduces such an image is 112 / 40.25 = 2.78 s wide, centred
 * (56 - 45.7) / 40.25 = 0.255 s below the eyes.
 *
 * <p>Sampling: the rotated square is sampled bilinearly at the frame's own resolution (but at least the output
 * size and at most 4 times it), outside the frame black, then resized to the output size by the shared
 * preprocessing's fitting (area averaging when shrinking), so large faces are not aliased.
 */
final class FaceAligner {

    static final double SIDE_PER_SCALE = 2.78;
    static final double CENTRE_BELOW_EYES = 0.255;
    /** Sampling a large face at most this many times the output size bounds the work; area averaging follows. */
    private static final int MAX_OVERSAMPLING = 4;

    private FaceAligner() {
    }

    /** Where the crop lies in the frame: centre, side and angle of its horizontal axis (radians, clockwise). */
    record Crop(double centreX, double centreY, double side, double angle) {
    }

    static Crop crop(float[] keypoints) {
        double rightX = keypoints[2 * Keypoint.RIGHT_EYE.ordinal()];
        double rightY = keypoints[2 * Keypoint.RIGHT_EYE.ordinal() + 1];
        double leftX = keypoints[2 * Keypoint.LEFT_EYE.ordinal()];
        double leftY = keypoints[2 * Keypoint.LEFT_EYE.ordinal() + 1];
        double mouthX = keypoints[2 * Keypoint.MOUTH_CENTER.ordinal()];
        double mouthY = keypoints[2 * Keypoint.MOUTH_CENTER.ordinal() + 1];
        double eyesX = (rightX + leftX) / 2;
        double eyesY = (rightY + leftY) / 2;
        double angle = Math.atan2(leftY - rightY, leftX - rightX);
        double scale = (Math.hypot(leftX - rightX, leftY - rightY) + Math.hypot(mouthX - eyesX, mouthY - eyesY)) / 2;
        // "down" in the face is the eye line's direction turned a quarter clockwise: (-sin, cos)
        double below = CENTRE_BELOW_EYES * scale;
        return new Crop(eyesX - below * Math.sin(angle), eyesY + below * Math.cos(angle),
                Math.max(1, SIDE_PER_SCALE * scale), angle);
    }

    /** The aligned face at the fitter's input size. */
    static RgbImage align(RgbImage frame, float[] keypoints, ImagePreprocessor fitter) {
        int size = fitter.preprocessing().inputSize();
        Crop crop = crop(keypoints);
        int sampled = (int) Math.max(size, Math.min(MAX_OVERSAMPLING * size, Math.round(crop.side())));
        return fitter.fit(sample(frame, crop, sampled));
    }

    /** Bilinear samples of the rotated square at n x n points (pixel centres at +0.5); black outside the frame. */
    static RgbImage sample(RgbImage frame, Crop crop, int n) {
        double step = crop.side() / n;
        double cos = Math.cos(crop.angle());
        double sin = Math.sin(crop.angle());
        byte[] src = frame.rgb();
        int width = frame.width();
        int height = frame.height();
        int rowBytes = width * 3;
        byte[] out = new byte[n * n * 3];
        int o = 0;
        for (int i = 0; i < n; i++) {
            double v = (i + 0.5) * step - crop.side() / 2;
            for (int j = 0; j < n; j++) {
                double u = (j + 0.5) * step - crop.side() / 2;
                // frame position of (u, v), shifted so that pixel centres are whole numbers
                double x = crop.centreX() + u * cos - v * sin - 0.5;
                double y = crop.centreY() + u * sin + v * cos - 0.5;
                int x0 = (int) Math.floor(x);
                int y0 = (int) Math.floor(y);
                float fx = (float) (x - x0);
                float fy = (float) (y - y0);
                float w00 = (1 - fx) * (1 - fy);
                float w01 = fx * (1 - fy);
                float w10 = (1 - fx) * fy;
                float w11 = fx * fy;
                if (x0 >= 0 && y0 >= 0 && x0 + 1 < width && y0 + 1 < height) {
                    int p = y0 * rowBytes + x0 * 3;
                    int q = p + rowBytes;
                    for (int c = 0; c < 3; c++) {
                        out[o++] = (byte) Math.round(w00 * (src[p + c] & 0xFF) + w01 * (src[p + 3 + c] & 0xFF)
                                + w10 * (src[q + c] & 0xFF) + w11 * (src[q + 3 + c] & 0xFF));
                    }
                } else {
                    for (int c = 0; c < 3; c++) {
                        out[o++] = (byte) Math.round(w00 * pixel(src, width, height, x0, y0, c)
                                + w01 * pixel(src, width, height, x0 + 1, y0, c)
                                + w10 * pixel(src, width, height, x0, y0 + 1, c)
                                + w11 * pixel(src, width, height, x0 + 1, y0 + 1, c));
                    }
                }
            }
        }
        return new RgbImage(n, n, out);
    }

    private static int pixel(byte[] rgb, int width, int height, int x, int y, int c) {
        if (x < 0 || y < 0 || x >= width || y >= height) {
            return 0;
        }
        return rgb[(y * width + x) * 3 + c] & 0xFF;
    }
}
