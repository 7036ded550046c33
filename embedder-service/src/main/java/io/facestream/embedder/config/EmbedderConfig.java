package io.facestream.embedder.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.nio.file.Path;
import java.util.Optional;

/** embedder.* settings. */
@ConfigMapping(prefix = "embedder")
public interface EmbedderConfig {

    /** Consumer/interpreter pairs; each worker has its own interpreter (TFLite interpreters are not thread-safe). */
    @WithDefault("1")
    int workers();

    /** Threads of each interpreter (XNNPACK). */
    @WithDefault("1")
    int interpreterThreads();

    /** Largest micro-batch: at most this many records per poll are embedded together. */
    @WithDefault("16")
    int maxBatch();

    /** Longest a worker waits for more records before embedding what it has: the batching latency bound. */
    @WithDefault("20")
    int maxBatchWaitMs();

    /**
     * A name this instance keeps across restarts (a StatefulSet pod's name, a host's): its workers' transactional
     * ids are built from it, so a restarted instance fences its dead predecessor and aborts its open transaction at
     * once instead of after transaction.timeout.ms. Two live instances must never share it. Empty: a random name at
     * each start (safe, but a crash then holds read_committed readers of faces.embeddings for up to a minute).
     */
    Optional<String> instanceId();

    /** Serve only artifacts of this model name; empty: the newest artifact of any name. */
    Optional<String> modelName();

    /** Where downloaded artifacts are kept, named by their SHA-256. */
    @WithDefault("${java.io.tmpdir}/facestream-embedder-models")
    Path modelCacheDir();

    /** Largest artifact accepted for download. */
    @WithDefault("268435456")
    long maxModelBytes();

    /** Whether artifacts may be fetched from file: URLs (local runs and tests); HTTP(S) is always allowed. */
    @WithDefault("false")
    boolean allowFileUrls();

    /**
     * How long a new model's gallery may make no progress before the embedder switches to it anyway (and says so);
     * only a gallery-service that is down or far behind gets here.
     */
    @WithDefault("120000")
    long galleryBuildTimeoutMs();

    /** The face detector stage for images that are not face crops. */
    Detector detector();

    interface Detector {
        /**
         * Whether whole frames (faceCrop=false) go through BlazeFace to find, align and crop each face; when off,
         * every image is embedded as one face crop.
         */
        @WithDefault("true")
        boolean enabled();

        /** Detector score below which a candidate is not a face. */
        @WithDefault("0.5")
        float minScore();
    }

    /** Largest image accepted (bytes); larger frames are dead-lettered. */
    @WithDefault("16777216")
    int maxImageBytes();

    /** Largest image accepted (pixels, checked from the header before decoding). */
    @WithDefault("25000000")
    long maxImagePixels();
}
