package io.facestream.embedder.detect;

import io.facestream.events.domain.FaceBox;
import io.facestream.model.image.RgbImage;

/**
 * One face found in a frame.
 *
 * @param box       where it is, in pixels of the original frame (clipped to it), with the detector's score
 * @param keypoints six (x, y) pairs in frame pixels, not clipped, in the order of {@link Keypoint}
 * @param aligned   the face rotated upright by its eye line and cropped to a square around it
 */
public record DetectedFace(FaceBox box, float[] keypoints, RgbImage aligned) {

    /** BlazeFace's keypoints; "right" and "left" are the person's, so RIGHT_EYE is on the image's left. */
    public enum Keypoint { RIGHT_EYE, LEFT_EYE, NOSE_TIP, MOUTH_CENTER, RIGHT_EAR_TRAGION, LEFT_EAR_TRAGION }

    public static final int KEYPOINTS = Keypoint.values().length;

    public DetectedFace {
        if (box == null || aligned == null) {
            throw new IllegalArgumentException("box and aligned image are required");
        }
        if (keypoints == null || keypoints.length != 2 * KEYPOINTS) {
            throw new IllegalArgumentException("keypoints must hold " + KEYPOINTS + " (x, y) pairs");
        }
        keypoints = keypoints.clone();
    }

    @Override
    public float[] keypoints() {
        return keypoints.clone();
    }

    public float x(Keypoint k) {
        return keypoints[2 * k.ordinal()];
    }

    public float y(Keypoint k) {
        return keypoints[2 * k.ordinal() + 1];
    }

    /** How far the face is turned in the frame's plane: the eye line's angle to the horizontal, clockwise. */
    public double rollDegrees() {
        return Math.toDegrees(Math.atan2(y(Keypoint.LEFT_EYE) - y(Keypoint.RIGHT_EYE),
                x(Keypoint.LEFT_EYE) - x(Keypoint.RIGHT_EYE)));
    }
}
