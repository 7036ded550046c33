package io.facestream.trainer.service;

/** A request the service refuses, naming the field at fault (null when the body as a whole is wrong). */
public class InvalidRequestException extends RuntimeException {

    private final String field;

    public InvalidRequestException(String field, String message) {
        super(message);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
