package io.facestream.trainer.training;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.facestream.model.FaceModelSpec;
import io.facestream.model.checkpoint.Checkpoint;
import io.facestream.model.checkpoint.CheckpointReader;
import io.facestream.model.checkpoint.CheckpointWriter;
import io.facestream.model.checkpoint.FloatTensor;
import io.facestream.model.graph.ModelGraph;
import io.facestream.model.image.ImagePreprocessor;
import io.facestream.model.pretrained.PretrainedWeights;
import io.facestream.trainer.data.BatchLoader;
import io.facestream.trainer.data.FaceDataset;
import io.facestream.trainer.data.LabelledImageSource;
import io.facestream.trainer.tf.TfFaceModel;
import io.facestream.trainer.training.TrainingEvents.SavedCheckpoint;
import io.facestream.trainer.training.TrainingEvents.Status;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs training: reads and splits the images, builds the TensorFlow model, then steps through the epochs with the
 * next batch loaded in the background. It reports every step to the listener, validates after each epoch, writes a
 * checkpoint every save_steps steps, whenever the validation loss reaches a new low (marked best, with
 * {@value #BEST_MARKER} naming it) and at the end, and stops early once the validation loss has not improved for
 * patience epochs. {@link #cancel()} stops it between two steps, with a checkpoint of where it got to.
 *
 * <p>A run resumed from one of its checkpoints continues at the checkpoint's step with its weights, optimizer
 * slots, head state and early-stopping state; since batches, augmentation and dropout masks derive from (seed,
 * step), it follows the trajectory the uninterrupted run would have.
 *
 * <p>Checkpoint files are {@code ckpt-<step>.ckpt} in the output folder, in the portable checkpoint format; their
 * training entries hold the config ("config"), the class names in label order ("classes"), the image source
 * ("source") and the early-stopping state ("early_stopping").
 */
public final class Trainer {

    /** The file in the output folder naming the best checkpoint: {"file", "step", "epoch", "val_loss", ...}. */
    public static final String BEST_MARKER = "best.json";

    /** How a run begins: from initial weights, from a checkpoint of an earlier run, or from Keras .h5 weights. */
    public record StartFrom(Path checkpoint, Path pretrainedH5) {
        public StartFrom {
            if (checkpoint != null && pretrainedH5 != null) {
                throw new IllegalArgumentException(
                        "resume from a checkpoint or start from pretrained weights, not both");
            }
        }

        public static StartFrom scratch() {
            return new StartFrom(null, null);
        }

        public static StartFrom resume(Path checkpoint) {
            return new StartFrom(checkpoint, null);
        }

        /** Keras' initial weights, then every .h5 weight that matches by layer name, weight name and shape. */
        public static StartFrom pretrained(Path h5) {
            return new StartFrom(null, h5);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Smoothing of the step time behind images/s and the ETA. */
    private static final double PACE_SMOOTHING = 0.1;

    private final TrainingConfig config;
    private final Path outputDir;
    private final TrainingListener listener;
    private final int threads;
    private final AtomicBoolean cancelled = new AtomicBoolean();

    /**
     * @param outputDir where checkpoints go (created if missing)
     * @param threads   TensorFlow's intra- and inter-op threads
     */
    public Trainer(TrainingConfig config, Path outputDir, TrainingListener listener, int threads) {
        if (config == null || outputDir == null || listener == null) {
            throw new IllegalArgumentException("config, output folder and listener are required");
        }
        this.config = config;
        this.outputDir = outputDir;
        this.listener = listener;
        this.threads = threads;
    }

    /** Asks the run to stop after the current step; safe from any thread. */
    public void cancel() {
        cancelled.set(true);
    }

    public TrainingEvents.Result train(LabelledImageSource source, StartFrom start) throws IOException {
        FaceDataset data = FaceDataset.of(source.images(), config.minImagesPerIdentity(), config.validationFraction(),
                config.seed());
        FaceModelSpec spec = config.modelSpec(data.classes().size());
        ImagePreprocessor preprocessor = new ImagePreprocessor(spec.preprocessing());
        BatchLoader training = BatchLoader.training(data.training(), preprocessor, config.augmentation(),
                config.batchSize(), config.seed());
        BatchLoader validation = data.validation().isEmpty() ? null
                : BatchLoader.evaluation(data.validation(), preprocessor, config.batchSize());
        Files.createDirectories(outputDir);
        ExecutorService loader = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "training-batch-loader");
            t.setDaemon(true);
            return t;
        });
        ModelGraph graph = config.bnMomentum() == null ? spec.embeddingGraph()
                : spec.embeddingGraph().withBatchNormMomentum(config.bnMomentum());
        try (TfFaceModel model = TfFaceModel.training(graph, spec.head(), spec.weightDecay(), config.optimizer(),
                threads)) {
            Run run = new Run(spec, data, source.description(), model, training, validation, loader);
            return run.execute(start);
        } finally {
            loader.shutdownNow();
        }
    }

    /** One run's state. */
    private final class Run {
        private final FaceModelSpec spec;
        private final FaceDataset data;
        private final String sourceDescription;
        private final TfFaceModel model;
        private final BatchLoader training;
        private final BatchLoader validation;
        private final ExecutorService loader;
        private final int stepsPerEpoch;
        private final long totalSteps;

        private long step;
        private double learningRate;
        private double epochLossSum;
        private int epochCorrect;
        private int epochSeen;
        private int epochSteps;
        private Double trainLoss;
        private Double trainAccuracy;
        private Double validationLoss;
        private Double validationAccuracy;
        private final EarlyStopping earlyStopping = new EarlyStopping(config.patience());
        private SavedCheckpoint best;
        private SavedCheckpoint last;
        private double smoothedStepSeconds = Double.NaN;
        private long stepsThisRun;

        Run(FaceModelSpec spec, FaceDataset data, String sourceDescription, TfFaceModel model, BatchLoader training,
            BatchLoader validation, ExecutorService loader) {
            this.spec = spec;
            this.data = data;
            this.sourceDescription = sourceDescription;
            this.model = model;
            this.training = training;
            this.validation = validation;
            this.loader = loader;
            this.stepsPerEpoch = training.batchCount();
            long planned = (long) config.epochs() * stepsPerEpoch;
            this.totalSteps = config.maxSteps() > 0 ? Math.min(planned, config.maxSteps()) : planned;
        }

        TrainingEvents.Result execute(StartFrom start) throws IOException {
            model.initialize(config.seed());
            String pretrained = null;
            if (start.pretrainedH5() != null) {
                pretrained = model.importPretrained(PretrainedWeights.load(start.pretrainedH5(),
                        spec.embeddingGraph())).summary();
            } else if (start.checkpoint() != null) {
                resume(start.checkpoint());
            }
            listener.started(new TrainingEvents.Started(sourceDescription, data.classes().size(),
                    training.sampleCount(), validation == null ? 0 : validation.sampleCount(),
                    data.droppedIdentities(), stepsPerEpoch, totalSteps, step, pretrained));

            Status status = Status.COMPLETED;
            Future<BatchLoader.Batch> next = step < totalSteps ? prefetch(step) : null;
            while (step < totalSteps) {
                if (cancelled.get()) {
                    status = Status.CANCELLED;
                    break;
                }
                long started = System.nanoTime();
                BatchLoader.Batch batch = await(next);
                next = step + 1 < totalSteps ? prefetch(step + 1) : null;
                trainStep(batch, started);
                boolean epochEnd = step % stepsPerEpoch == 0;
                boolean improved = false;
                if (epochEnd) {
                    trainLoss = epochLossSum / epochSteps;
                    trainAccuracy = (double) epochCorrect / epochSeen;
                    epochLossSum = 0;
                    epochCorrect = 0;
                    epochSeen = 0;
                    epochSteps = 0;
                    if (validation != null) {
                        improved = validate();
                    }
                }
                if (step % config.saveSteps() == 0 || improved) {
                    save(false);
                }
                if (epochEnd && earlyStopping.shouldStop()) {
                    status = Status.EARLY_STOPPED;
                    break;
                }
            }
            if (next != null) {
                next.cancel(true);
            }
            save(true);
            return new TrainingEvents.Result(status, step, last, best);
        }

        private void trainStep(BatchLoader.Batch batch, long started) {
            learningRate = config.learningRate(step, stepsPerEpoch);
            TfFaceModel.StepResult result = model.trainStep(batch.images(), batch.labels(), learningRate, step,
                    config.seed());
            if (!Double.isFinite(result.loss())) {
                throw new IllegalStateException("training diverged: the loss is " + result.loss() + " at step "
                        + (step + 1) + " (learning rate " + learningRate + "); try a lower base_lr");
            }
            step++;
            epochLossSum += result.loss();
            epochCorrect += result.correct();
            epochSeen += result.count();
            epochSteps++;
            double seconds = (System.nanoTime() - started) / 1e9;
            // the run's first step also optimises the graph: it says nothing about the pace
            if (stepsThisRun++ > 0) {
                smoothedStepSeconds = Double.isNaN(smoothedStepSeconds) ? seconds
                        : PACE_SMOOTHING * seconds + (1 - PACE_SMOOTHING) * smoothedStepSeconds;
            }
            double pace = Double.isNaN(smoothedStepSeconds) ? seconds : smoothedStepSeconds;
            listener.progress(new TrainingEvents.Progress(epochOf(step), config.epochs(), step, totalSteps,
                    result.loss(), epochLossSum / epochSteps, (double) epochCorrect / epochSeen, learningRate,
                    batch.size() / pace, Duration.ofMillis(Math.round(pace * (totalSteps - step) * 1000))));
        }

        /** Validates; true when the loss is the run's new lowest. */
        private boolean validate() {
            double lossSum = 0;
            int correct = 0;
            int count = 0;
            for (int i = 0; i < validation.batchCount(); i++) {
                BatchLoader.Batch batch = validation.batch(0, i);
                TfFaceModel.EvalResult r = model.evaluate(batch.images(), batch.labels());
                lossSum += r.crossEntropySum();
                correct += r.correct();
                count += r.count();
            }
            validationLoss = lossSum / count;
            validationAccuracy = (double) correct / count;
            boolean improved = earlyStopping.record(validationLoss, step);
            listener.validated(new TrainingEvents.Validation(epochOf(step), step, validationLoss, validationAccuracy,
                    improved));
            return improved;
        }

        private void save(boolean isFinal) throws IOException {
            if (isFinal && last != null && last.step() == step) {
                // this step's state is saved already: writing it again would change the file's digest (the
                // manifest holds the time) after the listener has been told it, so the same file becomes final
                last = new SavedCheckpoint(last.file(), last.step(), last.epoch(), last.metrics(), last.best(), true,
                        last.sha256(), last.sizeBytes());
                listener.checkpointSaved(last);
                return;
            }
            Map<String, Double> metrics = metrics();
            Checkpoint checkpoint = Checkpoint.of(spec, model.exportTensors(), step, (int) (step / stepsPerEpoch),
                    Instant.now(), trainingEntries(), metrics);
            Path file = outputDir.resolve(String.format("ckpt-%010d.ckpt", step));
            CheckpointWriter.write(checkpoint, file);
            boolean isBest = earlyStopping.bestStep() == step;
            SavedCheckpoint saved = new SavedCheckpoint(file, step, checkpoint.epoch(), metrics, isBest, isFinal,
                    Checkpoint.sha256(file), Files.size(file));
            last = saved;
            if (isBest) {
                best = saved;
                writeBestMarker(saved);
            }
            listener.checkpointSaved(saved);
        }

        private Map<String, Double> metrics() {
            Map<String, Double> m = new LinkedHashMap<>();
            if (epochSteps > 0) {
                m.put("train_loss", epochLossSum / epochSteps);
                m.put("train_accuracy", (double) epochCorrect / epochSeen);
            } else if (trainLoss != null) {
                m.put("train_loss", trainLoss);
                m.put("train_accuracy", trainAccuracy);
            }
            if (step > 0) {
                m.put("learning_rate", learningRate);
            }
            if (validationLoss != null) {
                m.put("val_loss", validationLoss);
                m.put("val_accuracy", validationAccuracy);
            }
            if (earlyStopping.hasBest()) {
                m.put("best_val_loss", earlyStopping.bestLoss());
            }
            return m;
        }

        private Map<String, JsonNode> trainingEntries() {
            Map<String, JsonNode> t = new LinkedHashMap<>();
            t.put("config", config.toJson());
            t.put("classes", JSON.valueToTree(data.classes()));
            t.put("source", JSON.getNodeFactory().textNode(sourceDescription));
            t.put("early_stopping", earlyStopping.toJson());
            return t;
        }

        private void resume(Path file) throws IOException {
            Checkpoint checkpoint = CheckpointReader.read(file);
            if (!checkpoint.spec().equals(spec)) {
                throw new IllegalArgumentException("checkpoint " + file + " holds another model: "
                        + checkpoint.spec().toJson() + "; this run trains " + spec.toJson());
            }
            JsonNode classes = checkpoint.training().get("classes");
            if (classes == null || !classes.equals(JSON.valueToTree(data.classes()))) {
                throw new IllegalArgumentException("checkpoint " + file + " was trained on other identities than "
                        + "the data's " + data.classes().size() + ": resuming needs the same images");
            }
            Set<String> known = new HashSet<>(model.tensorNames());
            Map<String, FloatTensor> tensors = new LinkedHashMap<>();
            // slots of another optimizer are left out (this one's start at zero)
            checkpoint.tensors().forEach((name, value) -> {
                if (known.contains(name)) {
                    tensors.put(name, value);
                }
            });
            model.importTensors(tensors);
            step = checkpoint.step();
            JsonNode stopping = checkpoint.training().get("early_stopping");
            if (stopping != null) {
                earlyStopping.restore(stopping);
            }
            Double val = checkpoint.metrics().get("val_loss");
            if (val != null) {
                validationLoss = val;
                validationAccuracy = checkpoint.metrics().get("val_accuracy");
            }
            best = readBestMarker();
            // a resumed run that takes no step ends with the checkpoint it resumed from, not a rewrite of it
            last = new SavedCheckpoint(file, step, checkpoint.epoch(), checkpoint.metrics(),
                    earlyStopping.hasBest() && earlyStopping.bestStep() == step, false, Checkpoint.sha256(file),
                    Files.size(file));
        }

        private void writeBestMarker(SavedCheckpoint saved) throws IOException {
            ObjectNode marker = JSON.createObjectNode();
            marker.put("file", saved.file().getFileName().toString());
            marker.put("step", saved.step());
            marker.put("epoch", saved.epoch());
            marker.put("sha256", saved.sha256());
            marker.put("size_bytes", saved.sizeBytes());
            marker.set("metrics", JSON.valueToTree(saved.metrics()));
            Path tmp = outputDir.resolve(BEST_MARKER + ".tmp");
            Files.write(tmp, JSON.writeValueAsBytes(marker));
            Files.move(tmp, outputDir.resolve(BEST_MARKER), StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
        }

        /** The best checkpoint an earlier part of this run marked, if the marker agrees with the resumed state. */
        private SavedCheckpoint readBestMarker() throws IOException {
            Path markerFile = outputDir.resolve(BEST_MARKER);
            if (!earlyStopping.hasBest() || !Files.isRegularFile(markerFile)) {
                return null;
            }
            JsonNode marker = JSON.readTree(markerFile.toFile());
            Path file = outputDir.resolve(marker.path("file").asText());
            if (marker.path("step").asLong() != earlyStopping.bestStep() || !Files.isRegularFile(file)) {
                return null;
            }
            Map<String, Double> metrics = new LinkedHashMap<>();
            marker.path("metrics").properties().forEach(e -> metrics.put(e.getKey(), e.getValue().asDouble()));
            return new SavedCheckpoint(file, earlyStopping.bestStep(), marker.path("epoch").asInt(), metrics, true,
                    false, marker.path("sha256").asText(), marker.path("size_bytes").asLong());
        }

        private Future<BatchLoader.Batch> prefetch(long forStep) {
            int epoch = (int) (forStep / stepsPerEpoch);
            int index = (int) (forStep % stepsPerEpoch);
            return loader.submit(() -> training.batch(epoch, index));
        }

        private BatchLoader.Batch await(Future<BatchLoader.Batch> batch) throws IOException {
            try {
                return batch.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while loading a batch", e);
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof UncheckedIOException io) {
                    throw io.getCause();
                }
                if (cause instanceof RuntimeException r) {
                    throw r;
                }
                throw new IllegalStateException("loading a batch failed", cause);
            }
        }

        /** The epoch (from 1) that the step-th step belongs to. */
        private int epochOf(long doneSteps) {
            return (int) ((doneSteps - 1) / stepsPerEpoch) + 1;
        }
    }
}
