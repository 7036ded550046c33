package io.facestream.events;

import io.facestream.events.domain.Centroid;
import io.facestream.events.domain.CheckpointEvent;
import io.facestream.events.domain.EmbeddingEvent;
import io.facestream.events.domain.EnrollmentEvent;
import io.facestream.events.domain.FrameEvent;
import io.facestream.events.domain.IdentityMatch;
import io.facestream.events.domain.ModelArtifactEvent;
import io.facestream.events.serde.Serdes;
import org.apache.kafka.common.serialization.Serde;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Every topic of the system, tied to its key and value serdes. The README's topic table lists the same.
 * Keys are UTF-8 strings; values are {@link io.facestream.events.serde.Envelope} messages.
 */
public final class Topics {

    private static final Serde<String> KEY = org.apache.kafka.common.serialization.Serdes.String();
    private static final int ONE_MB = 1024 * 1024;
    private static final long FOREVER = -1;

    /** Probe images; key = source (camera) id, so one source's frames stay in order. */
    public static final Topic<String, FrameEvent> FRAMES = new Topic<>("faces.frames", KEY, Serdes.frame(),
            6, false, Duration.ofDays(1).toMillis(), 8 * ONE_MB);

    /** Labelled images of known people, kept forever: the source of truth every gallery is rebuilt from. */
    public static final Topic<String, EnrollmentEvent> ENROLLMENTS = new Topic<>("faces.enrollments", KEY,
            Serdes.enrollment(), 6, false, FOREVER, 8 * ONE_MB);

    /** One record per face; key = subject (enrollments) or source id (probes). */
    public static final Topic<String, EmbeddingEvent> EMBEDDINGS = new Topic<>("faces.embeddings", KEY,
            Serdes.embedding(), 6, false, Duration.ofDays(7).toMillis(), ONE_MB);

    /** Identification answers; key = source id. */
    public static final Topic<String, IdentityMatch> IDENTITIES = new Topic<>("faces.identities", KEY,
            Serdes.identity(), 6, false, Duration.ofDays(7).toMillis(), ONE_MB);

    /** Checkpoint announcements (bytes by reference); key = training run id. */
    public static final Topic<String, CheckpointEvent> CHECKPOINTS = new Topic<>("models.checkpoints", KEY,
            Serdes.checkpoint(), 1, false, Duration.ofDays(30).toMillis(), ONE_MB);

    /** Published models, latest per model name (compacted). */
    public static final Topic<String, ModelArtifactEvent> ARTIFACTS = new Topic<>("models.artifacts", KEY,
            Serdes.artifact(), 1, true, FOREVER, ONE_MB);

    /** Latest centroid per "modelVersion|person" (compacted): written by the gallery, read by every gallery
     *  instance's global store and by the embedder to see when a new version's gallery is complete. */
    public static final Topic<String, Centroid> CENTROIDS = new Topic<>("gallery.centroids", KEY,
            Serdes.centroid(), 6, true, FOREVER, ONE_MB);

    /** The topics users and services exchange messages on. */
    public static final List<Topic<String, ?>> MAIN = List.of(FRAMES, ENROLLMENTS, EMBEDDINGS, IDENTITIES,
            CHECKPOINTS, ARTIFACTS);

    private Topics() {
    }

    /** A topic's dead-letter topic: bad records forwarded unchanged, as raw bytes, reasons in headers. */
    public static Topic<byte[], byte[]> deadLetter(Topic<?, ?> source) {
        Serde<byte[]> raw = org.apache.kafka.common.serialization.Serdes.ByteArray();
        return new Topic<>(source.dlq(), raw, raw, 1, false, Duration.ofDays(30).toMillis(),
                source.maxMessageBytes());
    }

    /** Every topic and its dead-letter topic: what the admin step creates at service start. */
    public static List<Topic<?, ?>> all() {
        List<Topic<?, ?>> all = new ArrayList<>(MAIN);
        all.add(CENTROIDS);
        for (Topic<String, ?> t : MAIN) {
            all.add(deadLetter(t));
        }
        return all;
    }
}
