package io.facestream.trainer.service;

/** No run (or checkpoint of a run) by that id. */
public class RunNotFoundException extends RuntimeException {

    public RunNotFoundException(String message) {
        super(message);
    }
}
