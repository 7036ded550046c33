package io.facestream.converter.service;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.facestream.converter.config.ConverterConfig;
import io.facestream.converter.config.PublicUrl;
import io.facestream.converter.domain.ArtifactRecord;
import io.facestream.converter.domain.ValidationReport;
import io.facestream.converter.messaging.ArtifactPublisher;
import io.facestream.events.domain.ModelArtifactEvent;
import io.facestream.events.domain.Sha256;
import io.facestream.model.image.Preprocessing;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** Stores artifacts (converted or uploaded) and publishes them on models.artifacts. */
@ApplicationScoped
public class ArtifactService {

    private static final Logger LOG = Logger.getLogger(ArtifactService.class);

    /**
     * An artifact about to be stored.
     *
     * @param validation the conversion's figures, or null for an upload
     * @param rocPng     the ROC plot, or null
     */
    public record Draft(String modelName, String version, String backbone, String head, String quantization,
                        Preprocessing preprocessing, int embeddingSize, byte[] model, ValidationReport validation,
                        byte[] rocPng, String origin, String conversionId, String checkpointSha256,
                        boolean uint8Input) {
    }

    private ArtifactStore store;
    private ArtifactPublisher publisher;
    private PublicUrl publicUrl;
    private MeterRegistry metrics;

    protected ArtifactService() {
        // for CDI proxies
    }

    @Inject
    public ArtifactService(ConverterConfig config, ArtifactPublisher publisher, PublicUrl publicUrl,
                           MeterRegistry metrics) {
        this.publisher = publisher;
        this.publicUrl = publicUrl;
        this.metrics = metrics;
        try {
            this.store = new ArtifactStore(config.dataDir().resolve("artifacts"), storeJson());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the artifacts under " + config.dataDir(), e);
        }
    }

    /** The JSON form of stored records: plain records, unknown fields tolerated (records may gain fields). */
    static ObjectMapper storeJson() {
        return new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    }

    /** Refuses a version another artifact of this model name already has (409). */
    public void requireFreeVersion(String modelName, String version) {
        store.findVersion(modelName, version).ifPresent(r -> {
            throw new ConflictException("model " + modelName + " already has an artifact of version " + version
                    + " (" + r.id() + "); versions must be unique: embedders and galleries tell models apart by them");
        });
    }

    /**
     * Stores the artifact and, when publish is true, announces it; returns the stored record.
     *
     * @param notPublished why it is not published (when publish is false)
     */
    public synchronized ArtifactRecord add(Draft d, boolean publish, String notPublished)
            throws IOException, InterruptedException {
        requireFreeVersion(d.modelName(), d.version());
        long now = System.currentTimeMillis();
        String id = Ids.next(now);
        int size = d.preprocessing().inputSize();
        ModelArtifactEvent event = new ModelArtifactEvent(d.modelName(), d.version(), d.backbone(), d.head(),
                d.quantization(), List.of(size, size, 3), d.preprocessing(), d.embeddingSize(), d.model().length,
                Sha256.of(d.model()), d.validation() == null ? null : d.validation().figures(),
                publicUrl.of("/artifacts/" + id + "/model.tflite"), now);
        ArtifactRecord record = store.add(new ArtifactRecord(id, event, d.validation(), d.origin(), d.conversionId(),
                d.checkpointSha256(), d.uint8Input(), false, publish ? null : notPublished, d.rocPng() != null),
                d.model(), d.rocPng());
        if (publish) {
            publisher.publish(event);
            record = store.update(record.asPublished());
            metrics.counter("converter.artifacts.published", "origin", d.origin()).increment();
            LOG.infof("published %s %s (%s, %d bytes) as artifact %s", d.modelName(), d.version(),
                    d.quantization(), d.model().length, id);
        }
        return record;
    }

    public Optional<ArtifactRecord> findPublished(String modelName, String checkpointSha256, String quantization,
                                                  boolean uint8Input) {
        return store.findPublished(modelName, checkpointSha256, quantization, uint8Input);
    }

    public ArtifactRecord get(String id) {
        return store.get(id).orElseThrow(() -> new UnknownIdException("no artifact " + id));
    }

    public List<ArtifactRecord> list() {
        return store.list();
    }

    public byte[] model(String id) {
        get(id);
        return store.model(id);
    }

    public Path modelFile(String id) {
        get(id);
        return store.modelFile(id);
    }

    public Path rocFile(String id) {
        get(id);
        return store.rocFile(id).orElseThrow(() -> new UnknownIdException("artifact " + id + " has no ROC plot: "
                + "no pairs set was configured when it was made (converter.pairs-file), or it was uploaded"));
    }
}
