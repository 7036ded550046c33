package io.facestream.gallery.rest;

/** A request the gallery answers with an error status and a message (and, for 503, when to try again). */
public class ApiException extends RuntimeException {

    /** Seconds a client should wait before asking again while stores are not queryable. */
    public static final int RETRY_AFTER_SECONDS = 2;

    private final int status;
    private final int retryAfterSeconds;

    ApiException(int status, String message, int retryAfterSeconds) {
        super(message);
        this.status = status;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public static ApiException badRequest(String message) {
        return new ApiException(400, message, 0);
    }

    public static ApiException notFound(String message) {
        return new ApiException(404, message, 0);
    }

    public static ApiException unavailable(String message) {
        return new ApiException(503, message, RETRY_AFTER_SECONDS);
    }

    public int status() {
        return status;
    }

    /** 0 when the answer carries no Retry-After. */
    public int retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
