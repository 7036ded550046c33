package io.facestream.tflite.runtime;

/** A model file or buffer the runtime cannot use: not a valid TFLite FlatBuffer, or not the expected structure. */
public class TfliteModelException extends RuntimeException {
    public TfliteModelException(String message) {
        super(message);
    }
}
