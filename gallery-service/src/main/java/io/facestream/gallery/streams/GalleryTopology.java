package io.facestream.gallery.streams;

import io.facestream.events.Topics;
import io.facestream.events.domain.Centroid;
import io.facestream.events.domain.EmbeddingEvent;
import io.facestream.events.domain.GalleryKeys;
import io.facestream.events.domain.IdentityMatch;
import io.facestream.events.serde.EnvelopeSerde;
import io.facestream.gallery.domain.CentroidSum;
import io.facestream.gallery.service.Matcher;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;

/**
 * The gallery as a Kafka Streams topology:
 * <pre>
 * faces.embeddings --parse--+-- malformed --------------------------------------> faces.embeddings.dlq
 *                           +-- ENROLLMENT -> key version|person -> sum store ----> gallery.centroids (compacted)
 *                           +-- PROBE -> match against the global centroid store -> faces.identities
 * gallery.centroids -> global store "centroids" (every instance holds every centroid)
 * </pre>
 * Built by a plain method so tests drive it with TopologyTestDriver without CDI.
 */
public final class GalleryTopology {

    public static final String SUMS_STORE = "centroid-sums";
    public static final String CENTROIDS_STORE = "centroids";

    public static final EnvelopeSerde<CentroidSum> SUM_SERDE = new EnvelopeSerde<>(CentroidSum.class, "centroid-sum");

    private GalleryTopology() {
    }

    public static Topology build(double threshold) {
        StreamsBuilder builder = new StreamsBuilder();
        Serde<byte[]> raw = Serdes.ByteArray();
        Serde<String> strings = Serdes.String();
        EnvelopeSerde<EmbeddingEvent> embeddings = io.facestream.events.serde.Serdes.embedding();

        builder.globalTable(Topics.CENTROIDS.name(), Consumed.with(strings, Topics.CENTROIDS.valueSerde()),
                Materialized.<String, Centroid, KeyValueStore<Bytes, byte[]>>as(CENTROIDS_STORE)
                        .withKeySerde(strings).withValueSerde(Topics.CENTROIDS.valueSerde()));

        builder.stream(Topics.EMBEDDINGS.name(), Consumed.with(raw, raw))
                .processValues(() -> new ParseOrDeadLetter<>(embeddings, GalleryTopology::problem),
                        Named.as("parse-embeddings"))
                .split(Named.as("embeddings-"))
                .branch((k, p) -> !p.isOk(), Branched.withConsumer(bad -> bad
                        .mapValues(Parsed::rawValue)
                        .to(Topics.EMBEDDINGS.dlq(), Produced.with(raw, raw)), "malformed"))
                .branch((k, p) -> p.message().kind() == EmbeddingEvent.Kind.ENROLLMENT,
                        Branched.withConsumer(GalleryTopology::enroll, "enrollments"))
                .defaultBranch(Branched.withConsumer(probes -> identify(probes, threshold), "probes"));
        return builder.build();
    }

    /** Why an embedding the serde accepted cannot be used here, or null. */
    private static String problem(EmbeddingEvent e) {
        if (e.modelVersion().indexOf(GalleryKeys.SEPARATOR) >= 0) {
            return "modelVersion must not contain '" + GalleryKeys.SEPARATOR + "': " + e.modelVersion();
        }
        if (e.kind() == EmbeddingEvent.Kind.ENROLLMENT && e.subject().indexOf(GalleryKeys.SEPARATOR) >= 0) {
            return "subject must not contain '" + GalleryKeys.SEPARATOR + "': " + e.subject();
        }
        return null;
    }

    private static void enroll(KStream<byte[], Parsed<EmbeddingEvent>> enrollments) {
        enrollments
                .map((k, p) -> {
                    EmbeddingEvent e = p.message();
                    return KeyValue.pair(GalleryKeys.of(e.modelVersion(), e.subject()),
                            CentroidSum.of(e.modelVersion(), e.subject(), e.vector()));
                }, Named.as("key-by-version-and-person"))
                .groupByKey(Grouped.with("enrollments-by-person", Serdes.String(), SUM_SERDE))
                .reduce(CentroidSum::plus, Named.as("sum-enrollments"),
                        Materialized.<String, CentroidSum, KeyValueStore<Bytes, byte[]>>as(SUMS_STORE)
                                .withKeySerde(Serdes.String()).withValueSerde(SUM_SERDE))
                .toStream(Named.as("sums"))
                .mapValues(CentroidSum::centroid, Named.as("to-centroid"))
                .to(Topics.CENTROIDS.name(), Produced.with(Serdes.String(), Topics.CENTROIDS.valueSerde()));
    }

    private static void identify(KStream<byte[], Parsed<EmbeddingEvent>> probes, double threshold) {
        probes
                .map((k, p) -> KeyValue.pair(p.key() != null ? p.key() : p.message().sourceId(), p.message()),
                        Named.as("key-by-source"))
                .processValues(() -> new MatchProcessor(threshold), Named.as("match"))
                .to(Topics.IDENTITIES.name(), Produced.with(Serdes.String(), io.facestream.events.serde.Serdes.identity()));
    }

    /** Scores a probe against every centroid of its model version in the global store. */
    static final class MatchProcessor implements FixedKeyProcessor<String, EmbeddingEvent, IdentityMatch> {
        private final double threshold;
        private FixedKeyProcessorContext<String, IdentityMatch> context;
        private ReadOnlyKeyValueStore<String, ValueAndTimestamp<Centroid>> centroids;

        MatchProcessor(double threshold) {
            this.threshold = threshold;
        }

        @Override
        public void init(FixedKeyProcessorContext<String, IdentityMatch> context) {
            this.context = context;
            this.centroids = context.getStateStore(CENTROIDS_STORE);
        }

        @Override
        public void process(FixedKeyRecord<String, EmbeddingEvent> record) {
            EmbeddingEvent probe = record.value();
            Matcher matcher = new Matcher(probe);
            try (KeyValueIterator<String, ValueAndTimestamp<Centroid>> it = centroids.prefixScan(
                    GalleryKeys.versionPrefix(probe.modelVersion()), new StringSerializer())) {
                while (it.hasNext()) {
                    ValueAndTimestamp<Centroid> c = it.next().value;
                    if (c != null) {
                        matcher.offer(c.value());
                    }
                }
            }
            context.forward(record.withValue(matcher.result(threshold, context.currentSystemTimeMs())));
        }
    }
}
