package io.facestream.converter.service;

/** A converted model that misses a quality bound: it is not published. */
public class QualityRefusedException extends RuntimeException {
    public QualityRefusedException(String message) {
        super(message);
    }
}
