package io.facestream.embedder.service;

import io.facestream.events.domain.FaceBox;
import io.facestream.model.image.ImagePreprocessor;
import io.facestream.model.image.RgbImage;

/**
 * Turns a message's image bytes into the model's input, with the preprocessing the active artifact names (the one
 * implementation in face-model). Content types as face-model's {@link io.facestream.model.image.ImageDecoder} takes
 * them: image/jpeg, image/png (decoded by their signature), and raw RGB as application/x-rgb;width=W;height=H.
 */
public final class FaceInput {

    private FaceInput() {
    }

    /** A decoded face crop and where it is in its frame. */
    public record Face(RgbImage image, FaceBox box) {
    }

    /** Decodes the whole image as one face crop; throws ImageRejectedException or IllegalArgumentException. */
    public static Face decodeCrop(ImagePreprocessor preprocessor, String contentType, byte[] bytes) {
        RgbImage image = decode(preprocessor, contentType, bytes);
        return new Face(image, new FaceBox(0, 0, image.width(), image.height(), 1.0));
    }

    public static RgbImage decode(ImagePreprocessor preprocessor, String contentType, byte[] bytes) {
        return preprocessor.decoder().decode(contentType, bytes);
    }
}
