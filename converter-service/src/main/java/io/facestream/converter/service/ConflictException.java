package io.facestream.converter.service;

/** A request that clashes with what exists (409): a version already taken by another artifact. */
public class ConflictException extends RuntimeException {
    public ConflictException(String message) {
        super(message);
    }
}
