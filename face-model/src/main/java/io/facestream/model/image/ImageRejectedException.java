package io.facestream.model.image;

/**
 * An image that cannot become a model input. The {@link Reason} is meant for machines (dead-letter headers, metrics,
 * REST error codes); the message says what exactly was wrong for people.
 */
public class ImageRejectedException extends RuntimeException {

    public enum Reason {
        /** No bytes at all. */
        EMPTY,
        /** The data ends before the image does (cut download, partial upload). */
        TRUNCATED,
        /** The data is damaged: bad checksum, invalid marker, undecodable entropy-coded data. */
        CORRUPT,
        /** Neither JPEG nor PNG. */
        UNSUPPORTED_FORMAT,
        /** More encoded bytes than the configured limit. */
        TOO_LARGE_BYTES,
        /** The header announces more pixels than the configured limit (decompression bombs). */
        TOO_MANY_PIXELS,
        /** A colour model with no sound conversion to RGB (for example floating-point samples). */
        UNSUPPORTED_COLOR_MODEL,
        /** Zero width or height. */
        ZERO_SIZE,
        /** Raw RGB bytes whose length is not width * height * 3. */
        RAW_SIZE_MISMATCH
    }

    private final Reason reason;

    public ImageRejectedException(Reason reason, String detail) {
        super(reason + ": " + detail);
        this.reason = reason;
    }

    public ImageRejectedException(Reason reason, String detail, Throwable cause) {
        super(reason + ": " + detail, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
