package io.facestream.cli;

import io.facestream.model.image.ImageDecoder;
import io.facestream.model.image.ImageLimits;
import io.facestream.model.image.ImageRejectedException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Image files read from disk and decoded once with the decoder the embedder uses, so a file it would dead-letter
 * (not an image, cut short, corrupt, too large) is refused here, with its reason, and never sent.
 */
final class ImageFiles {

    /** A file that cannot be sent, and why. */
    static final class Unusable extends Exception {
        Unusable(String reason) {
            super(reason);
        }
    }

    /** A checked image. */
    record Image(byte[] bytes, String contentType) {
    }

    /** Room left in a record for the envelope's metadata, the key and Kafka's record overhead. */
    private static final int RECORD_OVERHEAD = 64 * 1024;
    private static final byte PNG_FIRST_BYTE = (byte) 0x89;

    private final ImageDecoder decoder;
    private final int maxBytes;

    /** @param maxRecordBytes the largest record the topic takes */
    ImageFiles(int maxRecordBytes) {
        this.maxBytes = maxImageBytes(maxRecordBytes);
        this.decoder = new ImageDecoder(new ImageLimits(maxBytes, ImageLimits.DEFAULT.maxPixels()));
    }

    /** The largest image a record of the topic can carry (and the embedder would take). */
    static int maxImageBytes(int maxRecordBytes) {
        return Math.min(ImageLimits.DEFAULT.maxBytes(), maxRecordBytes - RECORD_OVERHEAD);
    }

    /** The entries of a folder in name order, hidden ones (".DS_Store") left out. */
    static List<Path> list(Path dir) {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.filter(p -> !p.getFileName().toString().startsWith("."))
                    .sorted(Comparator.comparing(p -> p.getFileName().toString()))
                    .toList();
        } catch (IOException e) {
            throw new CliException(ExitCodes.FAILED, "cannot list " + dir + ": " + e.getClass().getSimpleName() + " "
                    + Text.reason(e), e);
        }
    }

    Image read(Path file) throws Unusable {
        byte[] bytes;
        try {
            long size = Files.size(file);
            if (size > maxBytes) {
                throw new Unusable(Text.bytes(size) + ", more than the " + Text.bytes(maxBytes) + " an image may have");
            }
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new Unusable("cannot read it: " + e.getClass().getSimpleName() + " " + Text.reason(e));
        }
        try {
            decoder.decode(bytes);
        } catch (ImageRejectedException e) {
            throw new Unusable(e.getMessage());
        }
        return new Image(bytes, bytes[0] == PNG_FIRST_BYTE ? "image/png" : "image/jpeg");
    }
}
