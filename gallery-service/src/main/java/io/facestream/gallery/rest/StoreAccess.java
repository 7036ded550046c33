package io.facestream.gallery.rest;

import io.facestream.events.domain.Centroid;
import io.facestream.gallery.domain.CentroidSum;
import io.facestream.gallery.streams.GalleryTopology;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.TaskMetadata;
import org.apache.kafka.streams.ThreadMetadata;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/**
 * The gallery's stores as REST handlers reach them: every accessor answers at once, with a 503
 * {@link ApiException} while Kafka Streams is not running or a store is not queryable (never waiting for it).
 */
@Singleton
public class StoreAccess {

    private final KafkaStreams streams;

    @Inject
    public StoreAccess(KafkaStreams streams) {
        this.streams = streams;
    }

    /** The global centroid store: every centroid of every version, on every instance. */
    public ReadOnlyKeyValueStore<String, Centroid> centroids() {
        return store(StoreQueryParameters.fromNameAndType(GalleryTopology.CENTROIDS_STORE,
                QueryableStoreTypes.<String, Centroid>keyValueStore()));
    }

    /** This instance's part of the partitioned sum store, for one partition it owns. */
    public ReadOnlyKeyValueStore<String, CentroidSum> sums(int partition) {
        return store(StoreQueryParameters.fromNameAndType(GalleryTopology.SUMS_STORE,
                QueryableStoreTypes.<String, CentroidSum>keyValueStore()).withPartition(partition));
    }

    /** Which instance owns a sum-store key (and which partition holds it). */
    public KeyQueryMetadata ownerOf(String sumsKey) {
        requireRunning();
        KeyQueryMetadata owner = streams.queryMetadataForKey(GalleryTopology.SUMS_STORE, sumsKey,
                new StringSerializer());
        if (owner == null || KeyQueryMetadata.NOT_AVAILABLE.equals(owner)) {
            throw ApiException.unavailable("no instance owns " + sumsKey + " right now (partitions are being "
                    + "assigned); try again shortly");
        }
        return owner;
    }

    /** Every instance of the application with its stores and partitions. */
    public Collection<StreamsMetadata> instances() {
        requireRunning();
        Collection<StreamsMetadata> all = streams.metadataForAllStreamsClients();
        if (all.isEmpty()) {
            throw ApiException.unavailable("no instance has partitions yet (the group is forming); try again shortly");
        }
        return all;
    }

    /**
     * This instance as the group knows it (its application.server): the instance whose metadata lists the
     * partitions this JVM's own stream threads hold. Taken from Kafka Streams rather than re-read from
     * configuration, so it is the address the other instances were given. Empty while this instance holds no
     * partition (it then owns no key either).
     */
    public Optional<HostInfo> self() {
        requireRunning();
        Set<TopicPartition> local = new HashSet<>();
        for (ThreadMetadata thread : streams.metadataForLocalThreads()) {
            for (TaskMetadata task : thread.activeTasks()) {
                local.addAll(task.topicPartitions());
            }
        }
        if (local.isEmpty()) {
            return Optional.empty();
        }
        return instances().stream()
                .filter(m -> !Collections.disjoint(m.topicPartitions(), local))
                .map(StreamsMetadata::hostInfo)
                .findFirst();
    }

    private <T> T store(StoreQueryParameters<T> query) {
        requireRunning();
        try {
            return streams.store(query);
        } catch (InvalidStateStoreException e) {
            throw ApiException.unavailable("store " + query.storeName() + " is not queryable yet (" + e.getMessage()
                    + "); try again shortly");
        }
    }

    private void requireRunning() {
        KafkaStreams.State state = streams.state();
        if (state != KafkaStreams.State.RUNNING && state != KafkaStreams.State.REBALANCING) {
            throw ApiException.unavailable("the gallery's stores are not queryable yet (Kafka Streams is " + state
                    + "); try again shortly");
        }
    }
}
