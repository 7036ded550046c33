package io.facestream.gallery.streams;

import io.facestream.events.Topics;
import io.facestream.events.domain.EmbeddingEvent;
import io.facestream.events.serde.EnvelopeSerde;
import io.facestream.gallery.domain.CentroidSum;
import io.facestream.gallery.service.GalleryIndex;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.Stores;

/**
 * The gallery as a Kafka Streams topology:
 * <pre>
 * faces.embeddings --parse--+-- malformed / unusable ------------------------------------> faces.embeddings.dlq
 *                           +-- ENROLLMENT ---------+-- route: key "version|person" --+
 *                           +-- tombstone (person) -+   (a tombstone: one per version  |
 *                           |                            holding the person)           |
 *                           |   repartition by "version|person" <---------------------+
 *                           |     -> sums (add / delete) -> gallery.centroids (centroid / tombstone, compacted)
 *                           +-- PROBE -> match against the version's gallery ------------> faces.identities
 * gallery.centroids -> global store "centroids" (every instance holds every centroid) -> GalleryIndex
 * </pre>
 * Built by a plain method so tests drive it with TopologyTestDriver without CDI.
 */
public final class GalleryTopology {

    /** Partitioned: the running sum per "modelVersion|person". */
    public static final String SUMS_STORE = "centroid-sums";
    /** Global: every centroid per "modelVersion|person". */
    public static final String CENTROIDS_STORE = "centroids";
    /**
     * Partitioned with the sums: "modelVersion|person|enrollmentId" of every enrolment image in a sum, so that an
     * image embedded twice for one version (a gallery rebuild after a restart, or the embedder's live and replay
     * paths meeting) counts once.
     */
    public static final String ENROLLMENTS_STORE = "enrollment-ids";
    /** Partitioned like faces.embeddings: the model versions each person's enrolments were routed to. */
    public static final String PERSON_VERSIONS_STORE = "person-versions";
    /** Name of the repartition topic (prefixed by the application id, suffixed "-repartition"). */
    public static final String CHANGES_REPARTITION = "gallery-changes-by-version-and-person";

    public static final EnvelopeSerde<CentroidSum> SUM_SERDE = new EnvelopeSerde<>(CentroidSum.class, "centroid-sum");

    private GalleryTopology() {
    }

    public static Topology build(GalleryIndex index) {
        StreamsBuilder builder = new StreamsBuilder();
        Serde<byte[]> raw = Serdes.ByteArray();
        Serde<String> strings = Serdes.String();
        EnvelopeSerde<EmbeddingEvent> embeddings = io.facestream.events.serde.Serdes.embedding();

        builder.addGlobalStore(
                Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(CENTROIDS_STORE), strings,
                        Topics.CENTROIDS.valueSerde()).withLoggingDisabled(), // the topic is its changelog
                Topics.CENTROIDS.name(), Consumed.with(strings, raw), () -> new CentroidStoreUpdater(index));
        builder.addStateStore(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(PERSON_VERSIONS_STORE), strings, strings));
        builder.addStateStore(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(SUMS_STORE), strings, SUM_SERDE));
        builder.addStateStore(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(ENROLLMENTS_STORE), strings, Serdes.Long()));

        builder.stream(Topics.EMBEDDINGS.name(), Consumed.with(raw, raw))
                .processValues(() -> new ParseOrDeadLetter<>(embeddings, new EmbeddingChecks(index)),
                        Named.as("parse-embeddings"))
                .split(Named.as("embeddings-"))
                .branch((k, p) -> p.isDeadLetter(), Branched.withConsumer(bad -> bad
                        .mapValues(Parsed::rawValue)
                        .to(Topics.EMBEDDINGS.dlq(), Produced.with(raw, raw)), "malformed"))
                .branch((k, p) -> p.isTombstone() || p.message().kind() == EmbeddingEvent.Kind.ENROLLMENT,
                        Branched.withConsumer(GalleryTopology::maintainSums, "gallery-changes"))
                .defaultBranch(Branched.withConsumer(probes -> identify(probes, index), "probes"));
        return builder.build();
    }

    private static void maintainSums(KStream<byte[], Parsed<EmbeddingEvent>> changes) {
        changes
                .process(SumRouter::new, Named.as("route-to-version-and-person"), PERSON_VERSIONS_STORE)
                .repartition(Repartitioned.<String, EmbeddingEvent>as(CHANGES_REPARTITION)
                        .withKeySerde(Serdes.String())
                        .withValueSerde(new TombstoneTolerantSerde<>(io.facestream.events.serde.Serdes.embedding())))
                .process(SumProcessor::new, Named.as("sum-embeddings"), SUMS_STORE, ENROLLMENTS_STORE)
                .to(Topics.CENTROIDS.name(), Produced.with(Serdes.String(), Topics.CENTROIDS.valueSerde()));
    }

    private static void identify(KStream<byte[], Parsed<EmbeddingEvent>> probes, GalleryIndex index) {
        probes
                .map((k, p) -> KeyValue.pair(p.key() != null ? p.key() : p.message().sourceId(), p.message()),
                        Named.as("key-by-source"))
                .processValues(() -> new MatchProcessor(index), Named.as("match"))
                .to(Topics.IDENTITIES.name(), Produced.with(Serdes.String(), io.facestream.events.serde.Serdes.identity()));
    }
}
