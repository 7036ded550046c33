package io.facestream.trainer.data;

import io.facestream.model.image.RgbImage;

import java.io.IOException;

/**
 * One training image of a known identity. The pixels are loaded on demand (from a file, a TFRecord, a Kafka
 * message's bytes held in memory...), so a data set of many images costs little until it is read.
 *
 * @param identity who the image shows (a folder name, a TFRecord label, an enrollment's subject)
 * @param origin   where it comes from, for error messages ("/data/faces/ann/1.jpg", "train.tfrecord@1234")
 * @param loader   decodes the image
 */
public record LabelledImage(String identity, String origin, Loader loader) {

    /** Decodes one image; an unreadable image is an IOException or an ImageRejectedException. */
    @FunctionalInterface
    public interface Loader {
        RgbImage load() throws IOException;
    }

    public LabelledImage {
        if (identity == null || identity.isBlank()) {
            throw new IllegalArgumentException("an image needs an identity: " + origin);
        }
        if (origin == null || loader == null) {
            throw new IllegalArgumentException("an image needs an origin and a loader");
        }
    }

    public RgbImage load() throws IOException {
        return loader.load();
    }
}
