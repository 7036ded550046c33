package io.facestream.events.serde;

import io.facestream.events.domain.Centroid;
import io.facestream.events.domain.CheckpointEvent;
import io.facestream.events.domain.EmbeddingEvent;
import io.facestream.events.domain.EnrollmentEvent;
import io.facestream.events.domain.FrameEvent;
import io.facestream.events.domain.IdentityMatch;
import io.facestream.events.domain.ModelArtifactEvent;

/** The serde of each message record. */
public final class Serdes {
    private Serdes() {
    }

    public static EnvelopeSerde<FrameEvent> frame() {
        return new EnvelopeSerde<>(FrameEvent.class, "frame");
    }

    public static EnvelopeSerde<EnrollmentEvent> enrollment() {
        return new EnvelopeSerde<>(EnrollmentEvent.class, "enrollment");
    }

    public static EnvelopeSerde<EmbeddingEvent> embedding() {
        return new EnvelopeSerde<>(EmbeddingEvent.class, "embedding");
    }

    public static EnvelopeSerde<IdentityMatch> identity() {
        return new EnvelopeSerde<>(IdentityMatch.class, "identity");
    }

    public static EnvelopeSerde<Centroid> centroid() {
        return new EnvelopeSerde<>(Centroid.class, "centroid");
    }

    public static EnvelopeSerde<CheckpointEvent> checkpoint() {
        return new EnvelopeSerde<>(CheckpointEvent.class, "checkpoint");
    }

    public static EnvelopeSerde<ModelArtifactEvent> artifact() {
        return new EnvelopeSerde<>(ModelArtifactEvent.class, "artifact");
    }
}
