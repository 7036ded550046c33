package io.facestream.embedder.service;

import io.facestream.events.domain.FaceBox;
import io.facestream.model.image.ImagePreprocessor;
import io.facestream.model.image.ImageRejectedException;
import io.facestream.model.image.RgbImage;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns a message's image bytes into the model's input, with the preprocessing the active artifact names (the one
 * implementation in face-model). Content types: image/jpeg, image/png (decoded by their signature), and raw RGB as
 * application/x-rgb;width=W;height=H.
 */
public final class FaceInput {

    private static final Pattern RAW_RGB = Pattern.compile(
            "application/x-rgb\\s*;\\s*width\\s*=\\s*(\\d{1,6})\\s*;\\s*height\\s*=\\s*(\\d{1,6})\\s*");

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
        String type = contentType.trim().toLowerCase(Locale.ROOT);
        if (type.equals("image/jpeg") || type.equals("image/jpg") || type.equals("image/png")) {
            return preprocessor.decoder().decode(bytes);
        }
        Matcher raw = RAW_RGB.matcher(type);
        if (raw.matches()) {
            return preprocessor.decoder().fromRawRgb(bytes, Integer.parseInt(raw.group(1)),
                    Integer.parseInt(raw.group(2)));
        }
        throw new ImageRejectedException(ImageRejectedException.Reason.UNSUPPORTED_FORMAT,
                "unsupported content type '" + contentType
                        + "' (image/jpeg, image/png or application/x-rgb;width=W;height=H)");
    }
}
