package io.facestream.trainer.domain;

/** Where a training run is in its life. QUEUED and RUNNING are live; the others are finished (a FAILED or
 *  CANCELLED run can be resumed, which queues it again). */
public enum RunState {
    QUEUED, RUNNING, SUCCEEDED, FAILED, CANCELLED;

    public boolean finished() {
        return this == SUCCEEDED || this == FAILED || this == CANCELLED;
    }
}
