package io.facestream.trainer.service;

/** The run is not in a state that allows what was asked (cancelling a finished run, resuming a running one). */
public class RunConflictException extends RuntimeException {

    public RunConflictException(String message) {
        super(message);
    }
}
