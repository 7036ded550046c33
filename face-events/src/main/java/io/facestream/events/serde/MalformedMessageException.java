package io.facestream.events.serde;

import org.apache.kafka.common.errors.SerializationException;

/** A record's bytes are not a valid message of the expected type; the message says why. */
public class MalformedMessageException extends SerializationException {
    public MalformedMessageException(String message) {
        super(message);
    }

    public MalformedMessageException(String message, Throwable cause) {
        super(message, cause);
    }
}
