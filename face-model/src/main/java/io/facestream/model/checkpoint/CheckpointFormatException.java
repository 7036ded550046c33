package io.facestream.model.checkpoint;

/**
 * A checkpoint file (or its safetensors weights) that is malformed, truncated, inconsistent or over a size limit.
 * It is an IllegalArgumentException, so callers that treat every bad input alike can catch that.
 */
public class CheckpointFormatException extends IllegalArgumentException {

    public CheckpointFormatException(String message) {
        super(message);
    }

    public CheckpointFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
