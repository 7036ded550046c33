package io.facestream.gallery.streams;

import io.facestream.events.domain.Centroid;
import io.facestream.events.domain.EmbeddingEvent;
import io.facestream.events.domain.GalleryKeys;
import io.facestream.gallery.service.GalleryQueries;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;

/**
 * Keys every gallery change by "modelVersion|person", the key of the sum it changes: an enrolment embedding as
 * itself, a person's tombstone as one tombstone per model version that holds the person. Both then take the same
 * repartition, so a deletion stays ordered with the additions before and after it.
 * <p>
 * The versions of a person come from two places. The global centroid store has every centroid of every instance,
 * but only once it has been written and read back, so an enrolment of a moment ago may not be there yet (a delete
 * right after an enrolment, or during the re-embedding of all enrolments for a new model). The local
 * {@link GalleryTopology#PERSON_VERSIONS_STORE} closes that gap: it records, in this task, every version an
 * enrolment of the person was routed to; faces.embeddings is keyed by person, so the tombstone comes to the same
 * task after them.
 */
final class SumRouter implements Processor<byte[], Parsed<EmbeddingEvent>, String, EmbeddingEvent> {

    private static final String SEPARATOR = String.valueOf(GalleryKeys.SEPARATOR);

    private ProcessorContext<String, EmbeddingEvent> context;
    private KeyValueStore<String, String> personVersions;
    private ReadOnlyKeyValueStore<String, Centroid> centroids;

    @Override
    public void init(ProcessorContext<String, EmbeddingEvent> context) {
        this.context = context;
        this.personVersions = context.getStateStore(GalleryTopology.PERSON_VERSIONS_STORE);
        this.centroids = context.getStateStore(GalleryTopology.CENTROIDS_STORE);
    }

    @Override
    public void process(Record<byte[], Parsed<EmbeddingEvent>> record) {
        Parsed<EmbeddingEvent> parsed = record.value();
        if (parsed.isTombstone()) {
            delete(record, parsed.key());
            return;
        }
        EmbeddingEvent e = parsed.message();
        remember(e.subject(), e.modelVersion());
        context.forward(record.withKey(GalleryKeys.of(e.modelVersion(), e.subject())).withValue(e));
    }

    private void delete(Record<byte[], Parsed<EmbeddingEvent>> record, String person) {
        if (person.indexOf(GalleryKeys.SEPARATOR) >= 0) {
            return; // no enrolment can carry such a name: nothing to delete
        }
        Set<String> versions = new TreeSet<>(GalleryQueries.versionsOf(centroids, person));
        String local = personVersions.get(person);
        if (local != null) {
            versions.addAll(Arrays.asList(local.split("\\" + SEPARATOR)));
        }
        for (String version : versions) {
            context.forward(record.<String>withKey(GalleryKeys.of(version, person)).withValue(null));
        }
        personVersions.delete(person);
    }

    /** Versions as one '|'-joined string: model versions cannot contain '|'. */
    private void remember(String person, String version) {
        String known = personVersions.get(person);
        if (known == null) {
            personVersions.put(person, version);
        } else if (!Arrays.asList(known.split("\\" + SEPARATOR)).contains(version)) {
            personVersions.put(person, known + SEPARATOR + version);
        }
    }
}
