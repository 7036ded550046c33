package io.facestream.embedder.model;

import io.facestream.embedder.config.EmbedderConfig;
import io.facestream.events.domain.ModelArtifactEvent;
import io.facestream.model.image.ImageDecoder;
import io.facestream.model.image.ImageLimits;
import io.facestream.model.image.ImagePreprocessor;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Predicate;

/**
 * The model lifecycle. A new artifact is fetched and verified, loaded once per worker (plus one copy for the gallery
 * replay) and warmed up; then its gallery is built: workers start embedding live enrollments with it too, every
 * stored enrollment is embedded again with it, and once the gallery has aggregated them all the new model becomes
 * the active one in one atomic step. Workers take a {@link Serving} snapshot per batch, so every batch is computed
 * by one model; a replaced model is closed once no worker holds it. A broken artifact ends FAILED with its reason
 * and the current model keeps serving.
 */
@ApplicationScoped
public class ModelManager {

    private static final Logger LOG = Logger.getLogger(ModelManager.class);

    private final AtomicReference<Serving> serving = new AtomicReference<>(Serving.NONE);
    private final Map<String, ModelStatus> statuses = new LinkedHashMap<>();
    private final ExecutorService loader = Executors.newSingleThreadExecutor(r -> new Thread(r, "model-loader"));
    private AtomicReferenceArray<Serving> inUse;
    private EmbedderConfig config;
    private ModelRuntime runtime;
    private ArtifactFetcher fetcher;
    private ImageLimits imageLimits;
    private MeterRegistry metrics;
    private volatile GalleryBuilder galleryBuilder;
    private volatile GalleryProgress galleryProgress;

    protected ModelManager() {
        // for CDI proxies
    }

    @Inject
    public ModelManager(EmbedderConfig config, ModelRuntime runtime, MeterRegistry metrics,
                        @ConfigProperty(name = "facestream.auth.client-token") Optional<String> clientToken) {
        this.config = config;
        this.runtime = runtime;
        this.metrics = metrics;
        this.inUse = new AtomicReferenceArray<>(config.workers());
        this.fetcher = new ArtifactFetcher(config.modelCacheDir(), config.maxModelBytes(), config.allowFileUrls(),
                clientToken);
        this.imageLimits = new ImageLimits(config.maxImageBytes(), config.maxImagePixels());
        metrics.gauge("embedder.model.ready", serving, s -> s.get().active() == null ? 0 : 1);
    }

    /** The Kafka side of gallery builds; set by the runner before any artifact is offered. */
    public void connect(GalleryBuilder builder, GalleryProgress progress) {
        this.galleryBuilder = builder;
        this.galleryProgress = progress;
    }

    /** Whether this artifact is one this embedder serves (embedder.model-name, or any name when unset). */
    public boolean follows(ModelArtifactEvent artifact) {
        return config.modelName().map(n -> n.equals(artifact.modelName())).orElse(true);
    }

    /** Starts loading an artifact in the background; loads run one at a time, in arrival order. */
    public Future<?> offer(ModelArtifactEvent artifact) {
        ActiveModel current = serving.get().active();
        if (current != null && current.artifact().sha256().equals(artifact.sha256())
                && current.version().equals(artifact.version())) {
            return CompletableFuture.completedFuture(null); // already serving it
        }
        setStatus(artifact, ModelState.PENDING, null, null);
        return loader.submit(() -> load(artifact));
    }

    private void load(ModelArtifactEvent artifact) {
        long t0 = System.nanoTime();
        List<EmbeddingModel> copies = new ArrayList<>();
        GalleryBuild build = null;
        try {
            byte[] bytes = fetcher.fetch(artifact);
            ImagePreprocessor preprocessor = new ImagePreprocessor(artifact.preprocessing(), new ImageDecoder(imageLimits));
            for (int w = 0; w <= config.workers(); w++) { // one per worker, one for the gallery replay
                EmbeddingModel copy = runtime.load(bytes, artifact, config.interpreterThreads());
                copies.add(copy);
                warmUp(copy, preprocessor, artifact);
            }
            ActiveModel next = new ActiveModel(artifact, preprocessor, List.copyOf(copies));
            build = new GalleryBuild(next, serving.get().active() == null);
            buildGallery(build);
            Serving previous = serving.getAndSet(new Serving(next, null));
            setStatus(artifact, ModelState.READY, null, null);
            metrics.counter("embedder.model.loads", "outcome", "ready").increment();
            LOG.infof("model %s READY in %.0f ms (%s, %d bytes, gallery of %d images)", artifact.version(),
                    (System.nanoTime() - t0) / 1e6, artifact.quantization(), artifact.sizeBytes(),
                    build.expectedImages());
            if (previous.active() != null) {
                retire(previous.active());
            }
        } catch (Exception | LinkageError e) {
            if (build != null) { // withdraw the half-built version: workers stop dual-embedding
                Serving current = serving.get();
                serving.set(new Serving(current.active(), null));
                awaitWorkers(s -> s.building() != null);
            }
            copies.forEach(EmbeddingModel::close);
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            String reason = e.getClass().getSimpleName() + ": " + e.getMessage();
            setStatus(artifact, ModelState.FAILED, reason, null);
            metrics.counter("embedder.model.loads", "outcome", "failed").increment();
            LOG.errorf("model %s FAILED: %s (the current model keeps serving)", artifact.version(), reason);
        }
    }

    /**
     * Workers start embedding live enrollments with the new model too; once every worker has moved to that
     * snapshot, the stored enrollments up to the workers' committed position are replayed; then the gallery must
     * have aggregated every one of them.
     */
    private void buildGallery(GalleryBuild build) throws Exception {
        String version = build.model().version();
        serving.set(new Serving(serving.get().active(), build));
        setStatus(build.model().artifact(), ModelState.BUILDING_GALLERY, null, build);
        awaitWorkers(s -> s.building() != build);
        build.phase(GalleryBuild.Phase.REPLAYING);
        galleryBuilder.replay(build);
        build.phase(GalleryBuild.Phase.WAITING_FOR_GALLERY);
        long lastProgressAt = System.currentTimeMillis();
        long last = -1;
        while (true) {
            long images = galleryProgress.images(version);
            long expected = build.expectedImages();
            build.galleryImages(images);
            setStatus(build.model().artifact(), ModelState.BUILDING_GALLERY, null, build);
            if (images >= expected) {
                return;
            }
            if (images != last) {
                last = images;
                lastProgressAt = System.currentTimeMillis();
            } else if (System.currentTimeMillis() - lastProgressAt > config.galleryBuildTimeoutMs()) {
                LOG.warnf("gallery of %s stalled at %d of %d images for %d ms: switching anyway", version, images,
                        expected, config.galleryBuildTimeoutMs());
                return;
            }
            Thread.sleep(200);
        }
    }

    /** One embedding of a mid-grey image: the first inference allocates, so the first real frame does not pay. */
    private static void warmUp(EmbeddingModel model, ImagePreprocessor preprocessor, ModelArtifactEvent artifact) {
        float[] input = new float[preprocessor.tensorLength()];
        Arrays.fill(input, preprocessor.preprocessing().normalize(128));
        float[][] out = model.embed(input, 1);
        if (out.length != 1 || out[0].length != artifact.embeddingSize()) {
            throw new IllegalArgumentException("model gives " + (out.length == 0 ? 0 : out[0].length)
                    + " values, the artifact announces an embedding of " + artifact.embeddingSize());
        }
        for (float v : out[0]) {
            if (!Float.isFinite(v)) {
                throw new IllegalArgumentException("model gives a non-finite embedding on a grey image");
            }
        }
    }

    /** Waits until no worker holds the replaced model, then frees it. */
    private void retire(ActiveModel previous) {
        awaitWorkers(s -> s.active() == previous);
        previous.close();
        setStatus(previous.artifact(), ModelState.RETIRED, null, null);
    }

    /** Waits until no worker is in a batch that uses a snapshot matching the predicate. */
    private void awaitWorkers(Predicate<Serving> stale) {
        while (true) {
            boolean any = false;
            for (int i = 0; i < inUse.length(); i++) {
                Serving s = inUse.get(i);
                any |= s != null && stale.test(s);
            }
            if (!any) {
                return;
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** The snapshot a worker uses for its next batch. */
    public Serving acquire(int worker) {
        Serving s = serving.get();
        inUse.set(worker, s);
        return s;
    }

    public void release(int worker) {
        inUse.set(worker, null);
    }

    public ActiveModel active() {
        return serving.get().active();
    }

    public boolean isReady() {
        return serving.get().active() != null;
    }

    public synchronized List<ModelStatus> statuses() {
        return List.copyOf(statuses.values());
    }

    private synchronized void setStatus(ModelArtifactEvent a, ModelState state, String reason, GalleryBuild build) {
        statuses.put(a.version(), new ModelStatus(a.modelName(), a.version(), state, reason,
                System.currentTimeMillis(), build == null ? null : build.galleryImages(),
                build == null ? null : build.expectedImages()));
    }

    @PreDestroy
    void shutdown() {
        loader.shutdownNow();
        Serving s = serving.getAndSet(Serving.NONE);
        if (s.active() != null) {
            s.active().close();
        }
    }
}
