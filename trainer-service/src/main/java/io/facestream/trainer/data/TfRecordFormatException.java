package io.facestream.trainer.data;

import java.io.IOException;

/** A TFRecord file or record that is not what it should be: cut short, a CRC mismatch, a missing feature. */
public class TfRecordFormatException extends IOException {

    public TfRecordFormatException(String message) {
        super(message);
    }

    public TfRecordFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
