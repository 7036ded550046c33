package io.facestream.converter.service;

/** An upload over its configured limit (413). */
public class PayloadTooLargeException extends RuntimeException {
    public PayloadTooLargeException(String message) {
        super(message);
    }
}
