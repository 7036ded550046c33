package io.facestream.gallery.streams;

import io.facestream.events.domain.Centroid;
import io.facestream.events.domain.EmbeddingEvent;
import io.facestream.events.domain.GalleryKeys;
import io.facestream.gallery.domain.CentroidSum;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

import java.util.ArrayList;
import java.util.List;

/**
 * Owns the partitioned sum store (key "modelVersion|person"): an embedding adds to the sum and emits the new
 * centroid; a tombstone deletes the sum and emits a centroid tombstone. Both arrive through one repartition in the
 * order they were routed. An enrolment image already in the sum (same enrollment id, same version) is not added
 * again: the count is of distinct images, which is what the embedder waits for when it builds a new version.
 */
final class SumProcessor implements Processor<String, EmbeddingEvent, String, Centroid> {

    private static final System.Logger LOG = System.getLogger(SumProcessor.class.getName());

    private ProcessorContext<String, Centroid> context;
    private KeyValueStore<String, CentroidSum> sums;
    private KeyValueStore<String, Long> enrollments;

    @Override
    public void init(ProcessorContext<String, Centroid> context) {
        this.context = context;
        this.sums = context.getStateStore(GalleryTopology.SUMS_STORE);
        this.enrollments = context.getStateStore(GalleryTopology.ENROLLMENTS_STORE);
    }

    @Override
    public void process(Record<String, EmbeddingEvent> record) {
        EmbeddingEvent e = record.value();
        if (e == null) {
            sums.delete(record.key());
            forgetEnrollments(record.key());
            context.forward(record.<Centroid>withValue(null));
            return;
        }
        String enrollmentKey = record.key() + GalleryKeys.SEPARATOR + e.eventId();
        if (enrollments.get(enrollmentKey) != null) {
            return; // this image is already in the sum
        }
        CentroidSum added = CentroidSum.of(e.modelVersion(), e.subject(), e.vector());
        CentroidSum current = sums.get(record.key());
        if (current != null && current.dimension() != added.dimension()) {
            // the enrolment checks dead-letter these; only a version's very first embeddings, racing each other
            // before any centroid of the version was visible, can get here
            LOG.log(System.Logger.Level.ERROR, "{0}: embedding {1} has dimension {2}, the sum has {3}: not added",
                    record.key(), e.eventId(), added.dimension(), current.dimension());
            return;
        }
        CentroidSum next = current == null ? added : current.plus(added);
        sums.put(record.key(), next);
        enrollments.put(enrollmentKey, e.embeddedAtMs());
        context.forward(record.withValue(next.centroid()));
    }

    private void forgetEnrollments(String versionAndPerson) {
        List<String> keys = new ArrayList<>();
        try (KeyValueIterator<String, Long> it = enrollments.prefixScan(versionAndPerson + GalleryKeys.SEPARATOR,
                new StringSerializer())) {
            it.forEachRemaining(kv -> keys.add(kv.key));
        }
        keys.forEach(enrollments::delete);
    }
}
