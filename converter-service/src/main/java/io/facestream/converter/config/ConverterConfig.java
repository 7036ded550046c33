package io.facestream.converter.config;

import io.facestream.converter.domain.CheckpointPolicy;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.nio.file.Path;
import java.util.Optional;

/** converter.* settings. */
@ConfigMapping(prefix = "converter")
public interface ConverterConfig {

    /**
     * Base URL embedders download artifacts from; read through {@link PublicUrl}, which resolves it when an
     * artifact is published (a test's random HTTP port is only known once the server runs).
     */
    String publicUrl();

    /** Artifacts, conversion records and downloads in progress; survives restarts. */
    Path dataDir();

    /** Which announced checkpoints are converted: best (flagged best), every, or none. */
    @WithDefault("best")
    CheckpointPolicy checkpointPolicy();

    /**
     * A folder of identity folders (one folder of face crops per person) to calibrate and validate on; when unset
     * the face crops enrolled on faces.enrollments are used.
     */
    Optional<Path> calibrationDir();

    /** Representative images int8 calibration runs on. */
    @WithDefault("200")
    int calibrationImages();

    /** Further images (not among the calibration images) on which the converted model is compared with float32. */
    @WithDefault("50")
    int validationImages();

    /** A verification pairs set: an LFW pairs file (with converter.pairs-images) or an insightface .bin file. */
    Optional<Path> pairsFile();

    /** The image root of an LFW pairs file: one folder per person. */
    Optional<Path> pairsImages();

    /** Lowest mean cosine between converted and float32 embeddings on the validation images. */
    @WithDefault("0.98")
    double minMeanCosine();

    /** Lowest cosine of any single validation image; unset: not checked. */
    Optional<Double> minCosine();

    /** Largest drop of verification accuracy from float32 to the converted model (needs a pairs set). */
    @WithDefault("0.02")
    double maxAccuracyDrop();

    /** Largest .tflite upload (POST /artifacts); larger ones get 413. */
    @WithDefault("268435456")
    long maxUploadBytes();

    /** Largest checkpoint, downloaded or uploaded; larger ones are refused. */
    @WithDefault("4294967296")
    long maxCheckpointBytes();

    /** Whether checkpoints may be read from file: URLs (local runs and tests); HTTP(S) is always allowed. */
    @WithDefault("false")
    boolean allowFileUrls();

    /** Download attempts of an announced checkpoint before its conversion fails (network errors only). */
    @WithDefault("3")
    int downloadAttempts();

    /** Threads of the TFLite interpreters during calibration, validation and evaluation. */
    @WithDefault("2")
    int threads();

    /** Longest the read of faces.enrollments for calibration images may take. */
    @WithDefault("60000")
    long enrollmentReadTimeoutMs();
}
