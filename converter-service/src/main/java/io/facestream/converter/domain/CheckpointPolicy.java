package io.facestream.converter.domain;

import io.facestream.events.domain.CheckpointEvent;

/** Which checkpoints announced on models.checkpoints become artifacts (converter.checkpoint-policy). */
public enum CheckpointPolicy {
    /** Only checkpoints flagged best when they were saved (the final one too, when it is the best). */
    BEST,
    /** Every checkpoint. */
    EVERY,
    /** None: announced checkpoints are read and skipped; conversions come from REST only. */
    NONE;

    public boolean accepts(CheckpointEvent event) {
        return switch (this) {
            case BEST -> event.best();
            case EVERY -> true;
            case NONE -> false;
        };
    }
}
