package io.facestream.converter.service;

/** No conversion or artifact with that id, or no such file of an artifact (404). */
public class UnknownIdException extends RuntimeException {
    public UnknownIdException(String message) {
        super(message);
    }
}
