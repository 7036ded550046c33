package io.facestream.embedder.detect;

import io.facestream.model.image.RgbImage;

import java.util.List;

/**
 * Finds the faces in a whole frame and returns each one aligned (upright, square, at a requested size), ready for an
 * embedding model. Implementations hold native inference state: they are not thread-safe unless they say so, and
 * {@link #close()} frees their native memory.
 */
public interface FaceDetector extends AutoCloseable {

    /** The faces in the frame, best score first, aligned at the detector's configured size. */
    List<DetectedFace> detect(RgbImage frame);

    /** The faces in the frame, best score first, aligned at alignedSize x alignedSize pixels. */
    List<DetectedFace> detect(RgbImage frame, int alignedSize);

    @Override
    void close();
}
