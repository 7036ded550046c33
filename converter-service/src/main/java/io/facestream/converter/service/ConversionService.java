package io.facestream.converter.service;

import io.facestream.converter.config.ConverterConfig;
import io.facestream.converter.domain.ArtifactRecord;
import io.facestream.converter.domain.Conversion;
import io.facestream.converter.domain.ConversionSettings;
import io.facestream.converter.domain.ConversionSource;
import io.facestream.converter.domain.Phase;
import io.facestream.converter.domain.QualityBounds;
import io.facestream.converter.domain.Quantization;
import io.facestream.converter.domain.ValidationReport;
import io.facestream.converter.messaging.EnrollmentCalibrationSource;
import io.facestream.events.domain.CheckpointEvent;
import io.facestream.events.domain.Sha256;
import io.facestream.model.checkpoint.Checkpoint;
import io.facestream.model.checkpoint.CheckpointFormatException;
import io.facestream.model.checkpoint.CheckpointReader;
import io.facestream.model.eval.PairsSet;
import io.facestream.model.image.ImageLimits;
import io.facestream.model.image.ImagePreprocessor;
import io.facestream.tflite.lower.Precision;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.common.annotation.Identifier;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Runs conversions, one at a time on one thread (each uses the interpreter threads it is configured with): fetch
 * and verify the checkpoint, read it, gather calibration and validation images, convert and measure
 * ({@link ConversionPipeline}), hold the figures against the quality bounds, then store and publish. Every failure
 * ends the conversion FAILED with its reason; nothing that failed a check is published.
 */
@ApplicationScoped
public class ConversionService {

    private static final Logger LOG = Logger.getLogger(ConversionService.class);

    private ConverterConfig config;
    private ArtifactService artifacts;
    private MeterRegistry metrics;
    private Map<String, Object> kafkaConfig;
    private ConversionStore store;
    private CheckpointFetcher fetcher;
    private Path incoming;
    /** A daemon: a conversion in a native TFLite call must not keep a stopping JVM alive. */
    private final ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "conversion");
        t.setDaemon(true);
        return t;
    });
    private PairsSet pairs;

    protected ConversionService() {
        // for CDI proxies
    }

    @Inject
    public ConversionService(ConverterConfig config, ArtifactService artifacts, MeterRegistry metrics,
                             @Identifier("default-kafka-broker") Map<String, Object> kafkaConfig,
                             @ConfigProperty(name = "facestream.auth.client-token") Optional<String> clientToken) {
        this.config = config;
        this.artifacts = artifacts;
        this.metrics = metrics;
        this.kafkaConfig = kafkaConfig;
        this.fetcher = new CheckpointFetcher(config.maxCheckpointBytes(), config.allowFileUrls(),
                clientToken);
        try {
            this.store = new ConversionStore(config.dataDir().resolve("conversions"), ArtifactService.storeJson(),
                    System.currentTimeMillis());
            this.incoming = config.dataDir().resolve("incoming");
            Files.createDirectories(incoming);
            // downloads and uploads of conversions a previous process did not finish (marked FAILED above)
            try (var leftovers = Files.list(incoming)) {
                for (Path f : leftovers.toList()) {
                    Files.deleteIfExists(f);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the conversions under " + config.dataDir(), e);
        }
    }

    /** The configured quality bounds. */
    public QualityBounds defaultBounds() {
        return new QualityBounds(config.minMeanCosine(), config.minCosine().orElse(null), config.maxAccuracyDrop());
    }

    /**
     * Settings of a REST conversion from its request parameters (any may be null for the default); the model name
     * is required. Throws InvalidRequestException or ConflictException.
     */
    public ConversionSettings settings(String modelName, String version, String precision, Boolean uint8Input,
                                       Boolean publish, Double minMeanCosine, Double minCosine,
                                       Double maxAccuracyDrop, String defaultVersion) {
        Names.check(modelName, "modelName");
        Precision p;
        try {
            p = precision == null ? Precision.INT8 : Quantization.parse(precision);
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException(e.getMessage());
        }
        boolean u8 = Boolean.TRUE.equals(uint8Input);
        String v = version != null ? Names.check(version, "version")
                : defaultVersion + "." + Quantization.name(p) + (u8 ? "-uint8in" : "");
        artifacts.requireFreeVersion(modelName, v);
        try {
            return new ConversionSettings(modelName, v, p, u8, publish == null || publish,
                    defaultBounds().with(minMeanCosine, minCosine, maxAccuracyDrop));
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException(e.getMessage());
        }
    }

    /** Refuses a checkpoint event this converter cannot act on (the consumer dead-letters it). */
    public void checkEvent(CheckpointEvent event) {
        Names.check(event.modelName(), "modelName");
        Names.check(event.runId(), "runId");
        Names.check(event.checkpointId(), "checkpointId");
        fetcher.checkUrl(event.downloadUrl());
        if (event.sizeBytes() < 0) {
            throw new InvalidRequestException("sizeBytes must not be negative, got " + event.sizeBytes());
        }
    }

    /**
     * Converts an announced checkpoint to int8 and publishes it; the future completes when the conversion has
     * ended either way. A checkpoint already published with these settings is not converted or published again
     * (a redelivered event must not roll the topic back to an older model).
     */
    public CompletableFuture<Conversion> convert(CheckpointEvent event) throws IOException {
        checkEvent(event);
        long now = System.currentTimeMillis();
        String id = Ids.next(now);
        String version = event.runId() + "." + event.checkpointId() + "." + Quantization.name(Precision.INT8);
        ConversionSource source = new ConversionSource(ConversionSource.EVENT, event.downloadUrl(), event.sha256(),
                event.sizeBytes(), event.runId(), event.checkpointId(), event.step(), event.best(),
                event.finalCheckpoint());
        ConversionSettings settings = new ConversionSettings(event.modelName(), version, Precision.INT8, false, true,
                defaultBounds());
        Conversion queued = Conversion.queued(id, source, settings, now);
        var done = artifacts.findPublished(event.modelName(), event.sha256(), settings.quantization(), false);
        if (done.isPresent()) {
            Conversion c = store.put(queued.succeeded(done.get().id(), "checkpoint " + event.checkpointId()
                    + " was already converted and published as artifact " + done.get().id()
                    + "; not published again", now));
            return CompletableFuture.completedFuture(c);
        }
        return submit(queued, null);
    }

    /** A conversion of the checkpoint at a URL (REST). */
    public Conversion convert(String url, String sha256, Long sizeBytes, ConversionSettings settings)
            throws IOException {
        fetcher.checkUrl(url);
        requireDigest(sha256);
        long now = System.currentTimeMillis();
        Conversion queued = Conversion.queued(Ids.next(now), ConversionSource.url(url, sha256, sizeBytes), settings,
                now);
        submit(queued, null);
        return queued;
    }

    /**
     * A conversion of an uploaded checkpoint (REST): the body is stored first (bounded by
     * converter.max-checkpoint-bytes) and, when a digest is given, must have it.
     */
    public Conversion convert(InputStream body, Long contentLength, String sha256, ConversionSettings settings)
            throws IOException {
        if (sha256 != null) {
            requireDigest(sha256);
        }
        long max = config.maxCheckpointBytes();
        if (contentLength != null && contentLength > max) {
            throw new PayloadTooLargeException("the checkpoint is " + contentLength + " bytes, more than the limit "
                    + "of " + max + " (converter.max-checkpoint-bytes)");
        }
        long now = System.currentTimeMillis();
        String id = Ids.next(now);
        Path file = incoming.resolve(id + ".ckpt");
        BoundedCopy.Copied copied = BoundedCopy.copy(body, file, max, "the checkpoint", BoundedCopy.Progress.NONE);
        if (copied.sizeBytes() == 0) {
            Files.deleteIfExists(file);
            throw new InvalidRequestException("the request has no body: upload the checkpoint file");
        }
        if (sha256 != null && !sha256.equals(copied.sha256())) {
            Files.deleteIfExists(file);
            throw new InvalidRequestException("the uploaded checkpoint has SHA-256 " + copied.sha256() + ", the "
                    + "request says " + sha256 + ": damaged or tampered with");
        }
        Conversion queued = Conversion.queued(id, ConversionSource.upload(copied.sha256()), settings, now);
        submit(queued, file);
        return queued;
    }

    private static void requireDigest(String sha256) {
        try {
            Sha256.require(sha256);
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException(e.getMessage());
        }
    }

    public Conversion get(String id) {
        return store.get(id).orElseThrow(() -> new UnknownIdException("no conversion " + id));
    }

    public List<Conversion> list() {
        return store.list();
    }

    private CompletableFuture<Conversion> submit(Conversion queued, Path uploaded) throws IOException {
        store.put(queued);
        return CompletableFuture.supplyAsync(() -> run(queued, uploaded), executor);
    }

    private Conversion run(Conversion queued, Path uploaded) {
        Tracker t = new Tracker(queued);
        long start = System.nanoTime();
        Path file = uploaded != null ? uploaded : incoming.resolve(queued.id() + ".ckpt");
        try {
            ConversionSource source = queued.source();
            if (uploaded == null) {
                download(source, file, t);
            }
            t.update(Phase.READING_CHECKPOINT, 0);
            Checkpoint checkpoint;
            try {
                checkpoint = CheckpointReader.read(file);
            } catch (CheckpointFormatException e) {
                throw new IllegalStateException("not a usable checkpoint: " + e.getMessage(), e);
            }
            ConversionSettings settings = queued.settings();
            t.update(Phase.LOADING_IMAGES, 0);
            SampleImages images = sampleImages(checkpoint);
            PairsSet pairSet = pairs();
            ConversionPipeline.Result result = new ConversionPipeline(config.threads()).run(checkpoint,
                    settings.precision(), settings.uint8Input(), images, pairSet, t::update);
            t.measured(result.report());
            List<String> violations = settings.bounds().violations(result.report());
            if (!violations.isEmpty()) {
                throw new QualityRefusedException("refused, not published: " + String.join("; ", violations));
            }
            t.update(Phase.PUBLISHING, 0);
            boolean publish = settings.publish() && !settings.uint8Input();
            String note = settings.uint8Input() ? "not published: the model takes uint8 pixels, and embedders feed "
                    + "float32 input; download it for devices that take pixels"
                    : "not published: the request asked for publish=false";
            ArtifactRecord artifact = artifacts.add(new ArtifactService.Draft(settings.modelName(),
                    settings.version(), checkpoint.spec().backboneType(), checkpoint.spec().head().type().name(),
                    settings.quantization(), checkpoint.spec().preprocessing(), checkpoint.spec().embeddingSize(),
                    result.model(), result.report(), result.rocPng(), ArtifactRecord.CONVERSION, queued.id(),
                    source.sha256(), settings.uint8Input()), publish, note);
            metrics.counter("converter.conversions", "outcome", "succeeded").increment();
            metrics.timer("converter.conversion.time").record(Duration.ofNanos(System.nanoTime() - start));
            return t.finish(t.current().succeeded(artifact.id(), artifact.published() ? null : note,
                    System.currentTimeMillis()));
        } catch (Exception | LinkageError e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            String reason = e instanceof QualityRefusedException || e instanceof DigestMismatchException
                    || e instanceof IllegalStateException || e instanceof InvalidRequestException
                    || e instanceof PayloadTooLargeException ? e.getMessage()
                    : e.getClass().getSimpleName() + ": " + e.getMessage();
            String outcome = e instanceof QualityRefusedException ? "refused"
                    : e instanceof DigestMismatchException ? "digest-mismatch" : "failed";
            metrics.counter("converter.conversions", "outcome", outcome).increment();
            LOG.warnf("conversion %s (%s %s) FAILED in %s: %s", queued.id(), queued.settings().modelName(),
                    queued.settings().version(), t.current().phase(), reason);
            return t.finish(t.current().failed(reason, System.currentTimeMillis()));
        } finally {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                LOG.warnf("cannot delete %s: %s", file, e.getMessage());
            }
        }
    }

    /** Downloads with a few attempts on network errors; a size or digest mismatch is final. */
    private void download(ConversionSource source, Path file, Tracker t) throws IOException, InterruptedException {
        int attempts = Math.max(1, config.downloadAttempts());
        long size = source.sizeBytes() == null ? 0 : source.sizeBytes();
        for (int attempt = 1; ; attempt++) {
            t.update(Phase.DOWNLOADING, 0);
            try {
                fetcher.fetch(source.url(), source.sha256(), source.sizeBytes(), file,
                        bytes -> t.update(Phase.DOWNLOADING, size > 0 ? (double) bytes / size : 0));
                return;
            } catch (IOException e) {
                Files.deleteIfExists(file);
                if (attempt >= attempts) {
                    throw new IOException("downloading " + source.url() + " failed " + attempts + " times, last: "
                            + e.getMessage(), e);
                }
                LOG.warnf("download of %s failed (attempt %d of %d): %s", source.url(), attempt, attempts,
                        e.getMessage());
                Thread.sleep(2000L * attempt);
            }
        }
    }

    private SampleImages sampleImages(Checkpoint checkpoint) throws IOException {
        CalibrationSource source = config.calibrationDir()
                .<CalibrationSource>map(dir -> new FolderCalibrationSource(dir, ImageLimits.DEFAULT.maxBytes()))
                .orElseGet(() -> new EnrollmentCalibrationSource(kafkaConfig,
                        Duration.ofMillis(config.enrollmentReadTimeoutMs())));
        int calibration = config.calibrationImages();
        int validation = config.validationImages();
        List<byte[]> encoded = source.images(calibration + validation);
        return SampleImages.prepare(encoded, new ImagePreprocessor(checkpoint.spec().preprocessing()), calibration,
                validation, source.description());
    }

    /** The configured pairs set, read once; null when none is configured. */
    private synchronized PairsSet pairs() throws IOException {
        if (pairs == null && config.pairsFile().isPresent()) {
            try {
                pairs = PairsSets.read(config.pairsFile().get(), config.pairsImages().orElse(null));
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException("the configured pairs set cannot be used: " + e.getMessage(), e);
            }
        }
        return pairs;
    }

    @PreDestroy
    void stop() {
        executor.shutdownNow();
    }

    /** A conversion's live state: progress in memory, phase and status changes written. */
    private final class Tracker {
        private volatile Conversion current;

        Tracker(Conversion start) {
            this.current = start;
        }

        Conversion current() {
            return current;
        }

        void update(Phase phase, double fraction) {
            Conversion next = current.progress(phase, phase.percent(fraction), System.currentTimeMillis());
            if (next.phase() == current.phase() && next.percent() == current.percent()
                    && next.status() == current.status()) {
                return;
            }
            save(next);
        }

        void measured(ValidationReport report) {
            save(current.measured(report, System.currentTimeMillis()));
        }

        Conversion finish(Conversion last) {
            save(last);
            return last;
        }

        private void save(Conversion c) {
            current = c;
            try {
                store.put(c);
            } catch (IOException e) {
                LOG.warnf("cannot write conversion %s: %s", c.id(), e.getMessage());
            }
        }
    }
}
