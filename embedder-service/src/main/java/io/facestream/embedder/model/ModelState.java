package io.facestream.embedder.model;

/** The lifecycle of an artifact in this embedder. */
public enum ModelState {
    /** Seen on models.artifacts; downloading, verifying, loading or warming up. */
    PENDING,
    /** Loaded; its gallery is being built (enrollments embedded again); probes still use the previous model. */
    BUILDING_GALLERY,
    /** Serving (the active model). */
    READY,
    /** Could not be made to serve; the reason is kept. The previously active model keeps serving. */
    FAILED,
    /** Was READY, replaced by a newer model. */
    RETIRED
}
