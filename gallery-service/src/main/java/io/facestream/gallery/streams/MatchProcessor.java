package io.facestream.gallery.streams;

import io.facestream.events.domain.Centroid;
import io.facestream.events.domain.EmbeddingEvent;
import io.facestream.events.domain.IdentityMatch;
import io.facestream.gallery.service.GalleryIndex;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/** Identifies a probe against its model version's gallery (the index's matrix over the global centroid store). */
final class MatchProcessor implements FixedKeyProcessor<String, EmbeddingEvent, IdentityMatch> {

    private final GalleryIndex index;
    private FixedKeyProcessorContext<String, IdentityMatch> context;
    private ReadOnlyKeyValueStore<String, Centroid> centroids;

    MatchProcessor(GalleryIndex index) {
        this.index = index;
    }

    @Override
    public void init(FixedKeyProcessorContext<String, IdentityMatch> context) {
        this.context = context;
        this.centroids = context.getStateStore(GalleryTopology.CENTROIDS_STORE);
    }

    @Override
    public void process(FixedKeyRecord<String, EmbeddingEvent> record) {
        EmbeddingEvent probe = record.value();
        IdentityMatch match = index.gallery(probe.modelVersion(), centroids)
                .identify(probe, context.currentSystemTimeMs());
        context.forward(record.withValue(match));
    }
}
