package io.facestream.converter.service;

/** Bytes whose size or SHA-256 differ from what was announced: refused, never used. */
public class DigestMismatchException extends SecurityException {
    public DigestMismatchException(String message) {
        super(message);
    }
}
