package io.facestream.trainer.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/** trainer.* settings. */
@ConfigMapping(prefix = "trainer")
public interface TrainerConfig {

    /** Runs, their checkpoints and ROC plots live here (one folder per run) and survive a restart. */
    Path dataDir();

    /**
     * The base URL other services download checkpoints from (an event's downloadUrl is this plus the checkpoint's
     * path); absent: http://localhost plus the port the HTTP server listens on.
     */
    Optional<String> publicUrl();

    /** Runs trained at the same time on this instance; the others wait in order. */
    @WithDefault("1")
    int maxConcurrentRuns();

    /** TensorFlow's intra- and inter-op threads per run; absent: the processors. */
    Optional<Integer> tensorflowThreads();

    /** Longest time reading faces.enrollments to its end may take before the attempt fails. */
    @WithDefault("PT2M")
    Duration enrollmentsReadTimeout();
}
