package io.facestream.converter.domain;

/** A conversion's lifecycle. */
public enum ConversionStatus {
    /** Waiting for the converter (conversions run one at a time: each uses every core it is given). */
    QUEUED,
    RUNNING,
    /** Converted, validated, stored (and published unless asked not to). */
    SUCCEEDED,
    /** Stopped with a reason: a bad checkpoint, a digest mismatch, a quality bound missed, an error. */
    FAILED;

    public boolean finished() {
        return this == SUCCEEDED || this == FAILED;
    }
}
