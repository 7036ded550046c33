package io.facestream.gallery.streams;

import io.facestream.events.Topics;
import io.facestream.events.domain.Centroid;
import io.facestream.events.domain.GalleryKeys;
import io.facestream.gallery.service.GalleryIndex;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Keeps the global centroid store (every instance holds every centroid) and tells the {@link GalleryIndex} which
 * version changed. Reads raw bytes and parses here: a record on gallery.centroids that is not a centroid is
 * logged and skipped instead of stopping the global thread of every instance.
 */
final class CentroidStoreUpdater implements Processor<String, byte[], Void, Void> {

    private static final System.Logger LOG = System.getLogger(CentroidStoreUpdater.class.getName());

    private final GalleryIndex index;
    private final Deserializer<Centroid> centroids = Topics.CENTROIDS.valueSerde().deserializer();
    private KeyValueStore<String, Centroid> store;

    CentroidStoreUpdater(GalleryIndex index) {
        this.index = index;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        store = context.getStateStore(GalleryTopology.CENTROIDS_STORE);
    }

    @Override
    public void process(Record<String, byte[]> record) {
        String key = record.key();
        int separator = key == null ? -1 : key.indexOf(GalleryKeys.SEPARATOR);
        if (separator < 0) {
            LOG.log(System.Logger.Level.WARNING, "{0}: key {1} is not modelVersion|person: skipped",
                    Topics.CENTROIDS.name(), key);
            return;
        }
        String version = key.substring(0, separator);
        if (record.value() == null) {
            store.delete(key);
            index.centroidDeleted(version, store);
            return;
        }
        Centroid c;
        try {
            c = centroids.deserialize(Topics.CENTROIDS.name(), record.value());
            if (!key.equals(GalleryKeys.of(c.modelVersion(), c.person()))) {
                throw new IllegalArgumentException("the key holds the centroid of " + c.person() + " in "
                        + c.modelVersion());
            }
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "{0}: record {1} skipped: {2}", Topics.CENTROIDS.name(), key,
                    e.getMessage());
            return;
        }
        store.put(key, c);
        index.centroidPut(version, c.dimension());
    }
}
