package io.facestream.events.domain;

/** Where a face is in its frame, in pixels of the original image, with the detector's confidence. */
public record FaceBox(int x, int y, int width, int height, double confidence) {
    public FaceBox {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("face box must have a positive size, got " + width + "x" + height);
        }
        Require.finite(confidence, "confidence");
    }
}
