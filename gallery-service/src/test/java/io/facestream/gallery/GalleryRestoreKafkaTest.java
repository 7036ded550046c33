package io.facestream.gallery;

import io.facestream.events.Topics;
import io.facestream.events.domain.EmbeddingEvent;
import io.facestream.events.domain.GalleryKeys;
import io.facestream.events.domain.IdentityMatch;
import io.facestream.events.messaging.TopicAdmin;
import io.facestream.events.serde.Serdes;
import io.facestream.gallery.domain.CentroidSum;
import io.facestream.gallery.domain.ThresholdPolicy;
import io.facestream.gallery.service.DotProduct;
import io.facestream.gallery.service.GalleryIndex;
import io.facestream.gallery.streams.GalleryTopology;
import io.facestream.kafka.testing.KafkaExtension;
import io.facestream.kafka.testing.TestClients;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Exactly-once state survives losing the local disk: the gallery topology in plain Kafka Streams (no Quarkus) on
 * the real broker enrols people and answers probes; it is stopped, its state directory deleted, and started again.
 * The sums come back from their changelog and the centroids from gallery.centroids, and the same probes get the
 * same identities with the same scores; a later enrolment adds to the restored sum. Surefire runs this class in a
 * JVM of its own (see the pom), so no other gallery application consumes the same topics on its broker.
 */
@ExtendWith(KafkaExtension.class)
class GalleryRestoreKafkaTest {

    static final int PEOPLE = 4;
    static final int DIM = 16;

    @Test
    void state_restored_from_the_changelogs_gives_identical_answers(@KafkaExtension.Bootstrap String bootstrap)
            throws Exception {
        TopicAdmin.ensureSystemTopics(Map.of("bootstrap.servers", bootstrap));
        long n = System.nanoTime();
        String version = "restore-" + n;
        Path stateDir = Files.createDirectories(Path.of(System.getProperty("facestream.test.tmp", "target"),
                "restore-test-" + n));
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "gallery-restore-test-" + n);
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
        props.put(StreamsConfig.consumerPrefix("session.timeout.ms"), 10_000);
        props.put(StreamsConfig.consumerPrefix("heartbeat.interval.ms"), 500);

        float[][] people = randomUnit(new Random(n), PEOPLE * 3);
        Map<String, Answer> before;
        Map<String, String> sumsBefore;
        try (KafkaStreams first = start(props);
             KafkaProducer<String, EmbeddingEvent> producer = TestClients.producer(new StringSerializer(), Serdes.embedding())) {
            for (int p = 0; p < PEOPLE; p++) { // two images each
                for (int image = 0; image < 2; image++) {
                    producer.send(new ProducerRecord<>(Topics.EMBEDDINGS.name(), "p" + p, EmbeddingEvent.enrollment(
                            "img-" + p + "-" + image, "p" + p, version, null, 1, 1, 0, 0, people[p * 3 + image])));
                }
            }
            producer.flush();
            await("every centroid has two images", () -> centroidCounts(first, version).size() == PEOPLE
                    && centroidCounts(first, version).values().stream().allMatch(c -> c == 2));
            before = probe(producer, version, "before-", people);
            sumsBefore = sums(first, version);
        }

        deleteRecursively(stateDir);
        assertFalse(Files.exists(stateDir), "the local state is gone");

        try (KafkaStreams second = start(props);
             KafkaProducer<String, EmbeddingEvent> producer = TestClients.producer(new StringSerializer(), Serdes.embedding())) {
            assertEquals(sumsBefore, sums(second, version), "the sums, restored from their changelog");
            Map<String, Answer> after = probe(producer, version, "after-", people);
            assertEquals(before, after, "same identities, runners-up and scores for the same probes");

            producer.send(new ProducerRecord<>(Topics.EMBEDDINGS.name(), "p0", EmbeddingEvent.enrollment(
                    "img-0-2", "p0", version, null, 1, 1, 0, 0, people[2])));
            producer.flush();
            await("the third image adds to the restored sum", () -> sums(second, version)
                    .getOrDefault(GalleryKeys.of(version, "p0"), "").startsWith("3:"));
        }
    }

    /** What a probe's answer is judged by. */
    record Answer(String identity, String bestCandidate, double score, String runnerUp, double runnerUpScore,
                  double threshold) {
        static Answer of(IdentityMatch m) {
            return new Answer(m.identity(), m.bestCandidate(), m.score(), m.runnerUp(), m.runnerUpScore(),
                    m.threshold());
        }
    }

    /** Probes near each person's third (never enrolled) image plus one far from everyone; answers by probe index. */
    static Map<String, Answer> probe(KafkaProducer<String, EmbeddingEvent> producer, String version, String prefix,
                                     float[][] people) {
        int probes = PEOPLE + 1;
        for (int p = 0; p < probes; p++) {
            float[] v = p < PEOPLE ? people[p * 3 + 2] : negated(people[0]);
            producer.send(new ProducerRecord<>(Topics.EMBEDDINGS.name(), "cam-r", EmbeddingEvent.probe(
                    prefix + p, "cam-r", 0, version, null, 1, 1, 0, 0, v)));
        }
        producer.flush();
        List<ConsumerRecord<String, IdentityMatch>> answers = TestClients.read(Topics.IDENTITIES.name(),
                new StringDeserializer(), Serdes.identity(), r -> r.value().modelVersion().equals(version)
                        && r.value().frameId().startsWith(prefix), probes, Duration.ofSeconds(60));
        assertEquals(probes, answers.size(), "an answer for every probe");
        Map<String, Answer> byProbe = new TreeMap<>();
        answers.forEach(r -> byProbe.put(r.value().frameId().substring(prefix.length()), Answer.of(r.value())));
        assertEquals("p1", byProbe.get("1").bestCandidate(), "a sanity check that the answers mean something");
        return byProbe;
    }

    static KafkaStreams start(Properties props) throws InterruptedException {
        KafkaStreams streams = new KafkaStreams(GalleryTopology.build(
                new GalleryIndex(ThresholdPolicy.fixed(0.35), DotProduct.best())), props);
        streams.start();
        await("Kafka Streams is running", () -> streams.state() == KafkaStreams.State.RUNNING);
        return streams;
    }

    static Map<String, Long> centroidCounts(KafkaStreams streams, String version) {
        Map<String, Long> counts = new TreeMap<>();
        try (KeyValueIterator<String, io.facestream.events.domain.Centroid> it = streams.store(
                StoreQueryParameters.fromNameAndType(GalleryTopology.CENTROIDS_STORE,
                        QueryableStoreTypes.<String, io.facestream.events.domain.Centroid>keyValueStore()))
                .prefixScan(GalleryKeys.versionPrefix(version), new StringSerializer())) {
            it.forEachRemaining(kv -> counts.put(kv.key, kv.value.imageCount()));
        } catch (InvalidStateStoreException e) {
            return Map.of();
        }
        return counts;
    }

    /** Every sum of the version as "count:sum values", from the partitioned store across its partitions. */
    static Map<String, String> sums(KafkaStreams streams, String version) {
        ReadOnlyKeyValueStore<String, CentroidSum> store = streams.store(StoreQueryParameters.fromNameAndType(
                GalleryTopology.SUMS_STORE, QueryableStoreTypes.<String, CentroidSum>keyValueStore()));
        Map<String, String> out = new TreeMap<>();
        try (KeyValueIterator<String, CentroidSum> it = store.all()) {
            while (it.hasNext()) {
                KeyValue<String, CentroidSum> kv = it.next();
                if (kv.key.startsWith(GalleryKeys.versionPrefix(version))) {
                    out.put(kv.key, kv.value.count() + ":" + java.util.Arrays.toString(kv.value.sum()));
                }
            }
        }
        return out;
    }

    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "timed out waiting until " + what);
            Thread.sleep(100);
        }
    }

    static float[][] randomUnit(Random random, int count) {
        float[][] out = new float[count][DIM];
        for (float[] v : out) {
            double norm = 0;
            for (int d = 0; d < DIM; d++) {
                v[d] = (float) random.nextGaussian();
                norm += (double) v[d] * v[d];
            }
            for (int d = 0; d < DIM; d++) {
                v[d] /= (float) Math.sqrt(norm);
            }
        }
        // each person's images close together: the second and third are the first plus a little noise
        for (int p = 0; p + 2 < count; p += 3) {
            for (int k = 1; k <= 2; k++) {
                for (int d = 0; d < DIM; d++) {
                    out[p + k][d] = out[p][d] + 0.2f * out[p + k][d];
                }
            }
        }
        return out;
    }

    static float[] negated(float[] v) {
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = -v[i];
        }
        return out;
    }

    static void deleteRecursively(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
