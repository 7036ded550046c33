package io.facestream.trainer.service;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.facestream.events.domain.CheckpointEvent;
import io.facestream.model.eval.PairsSet;
import io.facestream.model.eval.VerificationResult;
import io.facestream.model.image.ImageDecoder;
import io.facestream.trainer.config.PublicUrl;
import io.facestream.trainer.config.TrainerConfig;
import io.facestream.trainer.data.HeldOutIdentities;
import io.facestream.trainer.data.ImageFolderSource;
import io.facestream.trainer.data.LabelledImageSource;
import io.facestream.trainer.data.TfRecordSource;
import io.facestream.trainer.domain.Attempt;
import io.facestream.trainer.domain.CheckpointRecord;
import io.facestream.trainer.domain.DataSummary;
import io.facestream.trainer.domain.DatasetSpec;
import io.facestream.trainer.domain.RunProgress;
import io.facestream.trainer.domain.RunState;
import io.facestream.trainer.domain.TrainingRequest;
import io.facestream.trainer.domain.TrainingRun;
import io.facestream.trainer.domain.ValidationFigures;
import io.facestream.trainer.evaluation.CheckpointVerifier;
import io.facestream.trainer.messaging.CheckpointPublisher;
import io.facestream.trainer.messaging.EnrollmentTopicSource;
import io.facestream.trainer.training.Trainer;
import io.facestream.trainer.training.TrainingConfig;
import io.facestream.trainer.training.TrainingEvents;
import io.facestream.trainer.training.TrainingListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The training runs of this instance: creates them from requests, queues them (trainer.max-concurrent-runs train
 * at once, the rest wait in order), runs each attempt on a worker thread with the Trainer, keeps their state on disk
 * and announces their checkpoints. At start it reads the runs back: a run that was RUNNING when the service stopped
 * without a chance to finish it is FAILED "interrupted by a restart" (and can be resumed), QUEUED runs are queued
 * again.
 */
@ApplicationScoped
public class TrainingRuns {

    private static final Logger LOG = Logger.getLogger(TrainingRuns.class);
    static final String INTERRUPTED_BY_RESTART = "interrupted by a restart";
    static final String INTERRUPTED_BY_SHUTDOWN = "interrupted by a shutdown of the service";
    private static final DateTimeFormatter ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
            .withZone(ZoneOffset.UTC);

    @Inject
    TrainerConfig config;
    @Inject
    ObjectMapper json;
    @Inject
    CheckpointPublisher publisher;
    @Inject
    PublicUrl publicUrl;
    @Inject
    RunEvents events;
    @Inject
    MeterRegistry registry;
    @Inject
    @Identifier("default-kafka-broker")
    Map<String, Object> kafkaConfig;

    private final Map<String, RunHandle> runs = new ConcurrentHashMap<>();
    private RunStore store;
    private TrainingRequests requests;
    private ExecutorService workers;
    private Counter checkpointsAnnounced;
    private volatile boolean shuttingDown;

    void onStart(@Observes StartupEvent event) throws IOException {
        Files.createDirectories(config.dataDir());
        store = new RunStore(config.dataDir(), json);
        requests = new TrainingRequests(json);
        AtomicInteger threadNumber = new AtomicInteger();
        workers = Executors.newFixedThreadPool(config.maxConcurrentRuns(), r -> {
            Thread t = new Thread(r, "training-run-" + threadNumber.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        for (RunState s : RunState.values()) {
            registry.gauge("facestream.trainer.runs", Tags.of("state", s.name()), runs,
                    m -> m.values().stream().filter(h -> h.snapshot().state() == s).count());
        }
        checkpointsAnnounced = registry.counter("facestream.trainer.checkpoints.announced");
        Instant now = Instant.now();
        for (TrainingRun stored : store.loadAll()) {
            TrainingRun run = afterRestart(stored, now);
            if (run != stored) {
                store.save(run);
                LOG.warnf("run %s was running when the service stopped: FAILED (%s); it can be resumed", run.id(),
                        INTERRUPTED_BY_RESTART);
            }
            RunHandle handle = RunHandle.of(run);
            runs.put(run.id(), handle);
            if (run.state() == RunState.QUEUED) {
                workers.submit(() -> execute(handle));
            }
        }
        LOG.infof("%d training runs under %s", runs.size(), config.dataDir().toAbsolutePath());
    }

    void onStop(@Observes ShutdownEvent event) throws InterruptedException {
        shuttingDown = true;
        for (RunHandle handle : runs.values()) {
            synchronized (handle) {
                if (handle.trainer != null) {
                    handle.trainer.cancel();
                }
            }
        }
        workers.shutdown();
        if (!workers.awaitTermination(30, TimeUnit.SECONDS)) {
            workers.shutdownNow();
        }
    }

    /** A run as stored, as it must read after a restart: one that was running has been interrupted. */
    static TrainingRun afterRestart(TrainingRun run, Instant now) {
        if (run.state() != RunState.RUNNING) {
            return run;
        }
        RunHandle handle = RunHandle.of(run);
        handle.finish(RunState.FAILED, INTERRUPTED_BY_RESTART, now);
        return handle.snapshot();
    }

    // ---- requests ------------------------------------------------------------------------------------------

    /** Validates the request, stores the run and queues it. */
    public TrainingRun create(String body) {
        TrainingRequest request = requests.parse(body);
        Instant now = Instant.now();
        String id = "run-" + ID_TIME.format(now) + "-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current()
                .nextInt()).substring(2);
        RunHandle handle = new RunHandle(id, request.modelName(), now, request.body());
        runs.put(id, handle);
        store.save(handle.snapshot());
        workers.submit(() -> execute(handle));
        LOG.infof("run %s queued: %s on %s", id, request.config().backboneType(), request.dataset().type());
        return handle.snapshot();
    }

    public List<TrainingRun> list() {
        return runs.values().stream().map(RunHandle::snapshot)
                .sorted(Comparator.comparing(TrainingRun::createdAt).thenComparing(TrainingRun::id)).toList();
    }

    public TrainingRun get(String id) {
        return handle(id).snapshot();
    }

    /**
     * Cancels a run: a queued one at once, a running one after its current step (it writes a final checkpoint).
     * A finished run cannot be cancelled.
     */
    public TrainingRun cancel(String id) {
        RunHandle handle = handle(id);
        boolean endedNow = false;
        synchronized (handle) {
            switch (handle.state) {
                case QUEUED -> {
                    handle.finish(RunState.CANCELLED, null, Instant.now());
                    endedNow = true;
                }
                case RUNNING -> {
                    handle.cancelRequested = true;
                    if (handle.trainer != null) {
                        handle.trainer.cancel();
                    }
                }
                default -> throw new RunConflictException("run " + id + " has already finished ("
                        + handle.state + "): there is nothing to cancel");
            }
        }
        TrainingRun run = saveAndTell(handle, RunEvents.STATE);
        if (endedNow) {
            LOG.infof("run %s cancelled while queued", id);
        }
        return run;
    }

    /**
     * Queues a failed or cancelled run again, as a new attempt that continues from its last checkpoint (or from the
     * start when it wrote none).
     */
    public TrainingRun resume(String id) {
        RunHandle handle = handle(id);
        synchronized (handle) {
            switch (handle.state) {
                case QUEUED, RUNNING -> throw new RunConflictException("run " + id + " is " + handle.state
                        + " already");
                case SUCCEEDED -> throw new RunConflictException("run " + id + " has succeeded: there is nothing "
                        + "left to train");
                default -> {
                    handle.state = RunState.QUEUED;
                    handle.failureReason = null;
                    handle.finishedAt = null;
                }
            }
        }
        TrainingRun run = saveAndTell(handle, RunEvents.STATE);
        workers.submit(() -> execute(handle));
        return run;
    }

    public List<CheckpointRecord> checkpoints(String id) {
        handle(id);
        return store.checkpoints(id);
    }

    public CheckpointRecord checkpoint(String id, String checkpointId) {
        handle(id);
        return store.checkpoint(id, checkpointId).filter(c -> Files.isRegularFile(store.checkpointFile(id, c.id())))
                .orElseThrow(() -> new RunNotFoundException("run " + id + " has no checkpoint '" + checkpointId
                        + "'"));
    }

    public Path checkpointFile(String id, String checkpointId) {
        return store.checkpointFile(id, checkpoint(id, checkpointId).id());
    }

    /** The checkpoint's ROC plot, if its run measures verification. */
    public Optional<Path> rocFile(String id, String checkpointId) {
        CheckpointRecord c = checkpoint(id, checkpointId);
        Path png = store.rocFile(id, c.id());
        return c.hasRoc() && Files.isRegularFile(png) ? Optional.of(png) : Optional.empty();
    }

    /** Where a checkpoint is downloaded from, relative to the service. */
    public static String checkpointPath(String runId, String checkpointId) {
        return "/training-runs/" + runId + "/checkpoints/" + checkpointId;
    }

    private RunHandle handle(String id) {
        RunHandle handle = RunStore.isRunId(id) ? runs.get(id) : null;
        if (handle == null) {
            throw new RunNotFoundException("no training run '" + id + "'");
        }
        return handle;
    }

    private TrainingRun saveAndTell(RunHandle handle, String eventName) {
        TrainingRun run = handle.snapshot();
        store.save(run);
        events.publish(run.id(), eventName, run);
        return run;
    }

    // ---- execution -----------------------------------------------------------------------------------------

    /** One attempt of a run, on a worker thread. */
    private void execute(RunHandle handle) {
        CheckpointRecord from;
        int attempt;
        synchronized (handle) {
            if (handle.state != RunState.QUEUED || shuttingDown) {
                return; // cancelled while it waited, or the service is stopping (it stays queued)
            }
            handle.state = RunState.RUNNING;
            handle.startedAt = Instant.now();
            handle.progress = null;
            from = handle.lastCheckpoint;
            attempt = handle.attempts.size() + 1;
            handle.attempts.add(new Attempt(attempt, handle.startedAt, null, from == null ? 0 : from.step(),
                    from == null ? null : from.id(), null, null));
        }
        saveAndTell(handle, RunEvents.STATE);
        RunState outcome;
        String reason = null;
        try {
            TrainingRequest request;
            try {
                request = requests.parse((ObjectNode) handle.request);
            } catch (InvalidRequestException e) {
                throw new IllegalStateException("the request is no longer valid: " + e.getMessage(), e);
            }
            int threads = config.tensorflowThreads().orElse(Runtime.getRuntime().availableProcessors());
            CheckpointVerifier verifier = request.pairs() == null ? null
                    : new CheckpointVerifier(CheckpointVerifier.readPairs(Path.of(request.pairs().path()),
                    request.pairs().imagesRoot() == null ? null : Path.of(request.pairs().imagesRoot())), threads);
            LabelledImageSource source = source(request, verifier);
            Trainer trainer = new Trainer(request.config(), store.checkpointDir(handle.id),
                    new RunListener(handle, request, verifier, attempt), threads);
            synchronized (handle) {
                handle.trainer = trainer;
                if (handle.cancelRequested || shuttingDown) {
                    trainer.cancel();
                }
            }
            Trainer.StartFrom start = from != null ? Trainer.StartFrom.resume(store.checkpointFile(handle.id,
                    from.id()))
                    : request.pretrainedH5() != null ? Trainer.StartFrom.pretrained(Path.of(request.pretrainedH5()))
                    : Trainer.StartFrom.scratch();
            LOG.infof("run %s attempt %d starts %s", handle.id, attempt, from == null ? "from the beginning"
                    : "from checkpoint " + from.id());
            TrainingEvents.Result result = trainer.train(source, start);
            boolean asked;
            synchronized (handle) {
                asked = handle.cancelRequested;
            }
            if (result.status() != TrainingEvents.Status.CANCELLED) {
                outcome = RunState.SUCCEEDED;
            } else if (asked || !shuttingDown) {
                outcome = RunState.CANCELLED;
            } else {
                outcome = RunState.FAILED;
                reason = INTERRUPTED_BY_SHUTDOWN;
            }
        } catch (Exception | LinkageError | OutOfMemoryError e) {
            outcome = RunState.FAILED;
            reason = reason(e);
            LOG.errorf(e, "run %s failed", handle.id);
        }
        handle.finish(outcome, reason, Instant.now());
        saveAndTell(handle, RunEvents.STATE);
        LOG.infof("run %s attempt %d ended %s%s", handle.id, attempt, outcome, reason == null ? "" : ": " + reason);
    }

    private LabelledImageSource source(TrainingRequest request, CheckpointVerifier verifier) {
        DatasetSpec d = request.dataset();
        ImageDecoder decoder = new ImageDecoder();
        LabelledImageSource source = switch (d.type()) {
            case DatasetSpec.FOLDER -> new ImageFolderSource(Path.of(d.path()), decoder);
            case DatasetSpec.TFRECORD -> new TfRecordSource(TrainingRequests.tfRecordFiles(d.path()),
                    Boolean.TRUE.equals(d.binaryImg()), d.imagesRoot() == null ? null : Path.of(d.imagesRoot()),
                    decoder);
            case DatasetSpec.ENROLLMENTS -> new EnrollmentTopicSource(kafkaConfig, decoder,
                    config.enrollmentsReadTimeout());
            default -> throw new IllegalStateException("unknown dataset type " + d.type());
        };
        if (request.holdOutPairsPeople()) {
            PairsSet pairs = verifier.pairs();
            source = new HeldOutIdentities(source, TrainingRequests.people(pairs), "the people of " + pairs.name());
        }
        return source;
    }

    /** The failure as one line: the exception's message, with its root cause's when that says more. */
    static String reason(Throwable e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        if (root != e && root.getMessage() != null && !message.contains(root.getMessage())) {
            message += " (" + root.getMessage() + ")";
        }
        return message;
    }

    /** Receives one attempt's events on its training thread. */
    private final class RunListener implements TrainingListener {

        private final RunHandle handle;
        private final TrainingRequest request;
        private final CheckpointVerifier verifier;
        private final int attempt;

        RunListener(RunHandle handle, TrainingRequest request, CheckpointVerifier verifier, int attempt) {
            this.handle = handle;
            this.request = request;
            this.verifier = verifier;
            this.attempt = attempt;
        }

        @Override
        public void started(TrainingEvents.Started s) {
            synchronized (handle) {
                handle.data = new DataSummary(s.source(), s.classes(), s.trainingImages(), s.validationImages(),
                        s.droppedIdentities(), s.stepsPerEpoch(), s.totalSteps(), s.pretrained());
            }
            saveAndTell(handle, RunEvents.STARTED);
        }

        @Override
        public void progress(TrainingEvents.Progress p) {
            RunProgress progress = new RunProgress(p.epoch(), p.epochs(), p.step(), p.totalSteps(), p.loss(),
                    p.epochLoss(), p.epochAccuracy(), p.learningRate(), p.imagesPerSecond(), p.eta().toSeconds());
            synchronized (handle) {
                handle.progress = progress;
            }
            events.publish(handle.id, RunEvents.PROGRESS, progress);
        }

        @Override
        public void validated(TrainingEvents.Validation v) {
            ValidationFigures figures = new ValidationFigures(v.epoch(), v.step(), v.loss(), v.accuracy(), v.best());
            synchronized (handle) {
                handle.lastValidation = figures;
            }
            store.save(handle.snapshot());
            events.publish(handle.id, RunEvents.VALIDATION, figures);
        }

        @Override
        public void checkpointSaved(TrainingEvents.SavedCheckpoint c) {
            String id = RunStore.checkpointId(c.file());
            Optional<CheckpointRecord> known = store.checkpoint(handle.id, id)
                    .filter(k -> k.sha256().equals(c.sha256()));
            CheckpointRecord record;
            if (known.isPresent()) {
                // the same file again, now the attempt's final checkpoint
                record = c.finalCheckpoint() ? known.get().asFinal() : known.get();
            } else {
                Map<String, Double> metrics = new LinkedHashMap<>(c.metrics());
                boolean roc = false;
                if (verifier != null) {
                    metrics.putAll(verify(c.file(), id));
                    roc = true;
                }
                record = new CheckpointRecord(id, c.step(), c.epoch(), metrics, c.best(), c.finalCheckpoint(),
                        c.sha256(), c.sizeBytes(), roc, attempt, Instant.now());
            }
            store.saveCheckpoint(handle.id, record);
            synchronized (handle) {
                handle.lastCheckpoint = record;
                if (record.bestWhenSaved() || (handle.bestCheckpoint != null
                        && handle.bestCheckpoint.id().equals(record.id()))) {
                    handle.bestCheckpoint = record;
                }
            }
            saveAndTell(handle, RunEvents.CHECKPOINT);
            announce(record);
        }

        private Map<String, Double> verify(Path file, String checkpointId) {
            try {
                VerificationResult result = verifier.verify(file);
                CheckpointVerifier.writeRoc(store.rocFile(handle.id, checkpointId), "run " + handle.id + ", "
                        + checkpointId, String.format(Locale.ROOT, "%s, accuracy %.4f", request.config()
                        .backboneType(), result.accuracy()), result);
                LOG.infof("run %s %s on %s: %s", handle.id, checkpointId, result.setName(),
                        CheckpointVerifier.describe(result));
                return CheckpointVerifier.metrics(result);
            } catch (IOException e) {
                throw new UncheckedIOException("verification of " + checkpointId + " failed: " + e.getMessage(), e);
            }
        }

        private void announce(CheckpointRecord record) {
            TrainingConfig c = request.config();
            CheckpointEvent event = new CheckpointEvent(handle.id, record.id(), handle.modelName, record.step(),
                    record.epoch(), c.backboneType(), TrainingConfig.headType(c.headType()).name(), record.metrics(),
                    record.bestWhenSaved(), record.finalCheckpoint(), record.sha256(), record.sizeBytes(),
                    publicUrl.of(checkpointPath(handle.id, record.id())), record.createdAt().toEpochMilli());
            publisher.publish(event).thenRun(checkpointsAnnounced::increment);
        }
    }
}
