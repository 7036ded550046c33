package io.facestream.converter.service;

/** A request the converter refuses as it stands (400): a bad parameter, or bytes that are not a usable model. */
public class InvalidRequestException extends RuntimeException {
    public InvalidRequestException(String message) {
        super(message);
    }
}
