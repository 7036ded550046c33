package io.facestream.gallery.streams;

import io.facestream.events.Topics;
import io.facestream.events.domain.Centroid;
import io.facestream.events.domain.EmbeddingEvent;
import io.facestream.events.domain.GalleryKeys;
import io.facestream.events.domain.IdentityMatch;
import io.facestream.events.messaging.DeadLetters;
import io.facestream.events.serde.Serdes;
import io.facestream.gallery.domain.CentroidSum;
import io.facestream.gallery.domain.ThresholdPolicy;
import io.facestream.gallery.service.DotProduct;
import io.facestream.gallery.service.GalleryIndex;
import io.facestream.gallery.service.GalleryQueries;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The gallery topology without a broker: enrolment, identification, unknowns, dead letters, deletion, calibrated
 * and per-person thresholds, and the separation of model versions.
 */
class GalleryTopologyTest {

    static final String V1 = "model:1";
    static final String V2 = "model:2";
    static final double THRESHOLD = 0.5;

    TopologyTestDriver driver;
    GalleryIndex index;
    TestInputTopic<String, EmbeddingEvent> embeddings;
    TestInputTopic<byte[], byte[]> rawEmbeddings;
    TestInputTopic<String, Centroid> centroidInput;
    TestOutputTopic<String, IdentityMatch> identities;
    TestOutputTopic<String, Centroid> centroids;
    TestOutputTopic<byte[], byte[]> deadLetters;

    @BeforeEach
    void start() {
        start(ThresholdPolicy.fixed(THRESHOLD));
    }

    void start(ThresholdPolicy policy) {
        if (driver != null) {
            driver.close();
        }
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "gallery-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, "target/ttd-state");
        index = new GalleryIndex(policy, DotProduct.best());
        driver = new TopologyTestDriver(GalleryTopology.build(index), props);
        embeddings = driver.createInputTopic(Topics.EMBEDDINGS.name(), new StringSerializer(), Serdes.embedding());
        rawEmbeddings = driver.createInputTopic(Topics.EMBEDDINGS.name(), new ByteArraySerializer(), new ByteArraySerializer());
        centroidInput = driver.createInputTopic(Topics.CENTROIDS.name(), new StringSerializer(), Serdes.centroid());
        identities = driver.createOutputTopic(Topics.IDENTITIES.name(), new StringDeserializer(), Serdes.identity());
        centroids = driver.createOutputTopic(Topics.CENTROIDS.name(), new StringDeserializer(),
                new TombstoneTolerantSerde<>(Serdes.centroid()));
        deadLetters = driver.createOutputTopic(Topics.EMBEDDINGS.dlq(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    static EmbeddingEvent enroll(String person, String version, float... v) {
        return EmbeddingEvent.enrollment("e-" + person + "-" + Arrays.hashCode(v), person, version, null,
                1, 2, 0, 0, v);
    }

    static EmbeddingEvent probe(String frameId, String version, float... v) {
        return EmbeddingEvent.probe(frameId, "cam-1", 0, version, null, 1, 2, 0, 0, v);
    }

    void delete(String person) {
        embeddings.pipeInput(person, (EmbeddingEvent) null);
    }

    IdentityMatch identify(String version, float... v) {
        embeddings.pipeInput("cam-1", probe("f-" + System.nanoTime(), version, v));
        return identities.readValue();
    }

    KeyValueStore<String, Centroid> globalCentroids() {
        return driver.getKeyValueStore(GalleryTopology.CENTROIDS_STORE);
    }

    KeyValueStore<String, CentroidSum> sums() {
        return driver.getKeyValueStore(GalleryTopology.SUMS_STORE);
    }

    @Test
    void enrollments_become_normalised_mean_centroids() {
        embeddings.pipeInput("ada", enroll("ada", V1, 2, 0, 0));
        embeddings.pipeInput("ada", enroll("ada", V1, 0, 3, 0));
        List<TestRecord<String, Centroid>> out = centroids.readRecordsToList();
        assertEquals(2, out.size());
        Centroid last = out.get(1).value();
        assertEquals(GalleryKeys.of(V1, "ada"), out.get(1).key());
        assertEquals(2, last.imageCount());
        float h = (float) Math.sqrt(0.5);
        assertArrayEquals(new float[]{h, h, 0}, last.vector(), 1e-6f,
                "mean of the unit vectors (1,0,0) and (0,1,0), normalised again");
        assertEquals(2, sums().get(GalleryKeys.of(V1, "ada")).count());
        assertEquals(last, globalCentroids().get(GalleryKeys.of(V1, "ada")), "the global store holds the centroid");
    }

    @Test
    void an_enrollment_embedded_twice_for_one_version_counts_once() {
        EmbeddingEvent first = enroll("ada", V1, 1, 0, 0);
        embeddings.pipeInput("ada", first);
        embeddings.pipeInput("ada", first); // a gallery rebuild after a restart sends it again
        embeddings.pipeInput("ada", enroll("ada", "model:2", 1, 0, 0)); // same image, another version: counted there
        List<TestRecord<String, Centroid>> out = centroids.readRecordsToList();
        assertEquals(2, out.size(), "the duplicate changes nothing and emits nothing");
        assertEquals(1, sums().get(GalleryKeys.of(V1, "ada")).count());
        assertEquals(1, sums().get(GalleryKeys.of("model:2", "ada")).count());

        delete("ada");
        centroids.readRecordsToList();
        embeddings.pipeInput("ada", first); // after a deletion the same image may be enrolled again
        assertEquals(1, centroids.readRecordsToList().size());
        assertEquals(1, sums().get(GalleryKeys.of(V1, "ada")).count());
    }

    @Test
    void a_probe_is_identified_with_runner_up_and_margin() {
        embeddings.pipeInput("ada", enroll("ada", V1, 1, 0, 0));
        embeddings.pipeInput("bob", enroll("bob", V1, 0, 1, 0));
        embeddings.pipeInput("cam-1", probe("f-1", V1, 0.9f, 0.1f, 0));

        TestRecord<String, IdentityMatch> rec = identities.readRecord();
        IdentityMatch m = rec.value();
        assertEquals("cam-1", rec.key());
        assertEquals("ada", m.identity());
        assertEquals("bob", m.runnerUp());
        double norm = Math.sqrt(0.81 + 0.01);
        assertEquals(0.9 / norm, m.score(), 1e-6);
        assertEquals(0.1 / norm, m.runnerUpScore(), 1e-6);
        assertEquals(m.score() - m.runnerUpScore(), m.margin(), 1e-9);
        assertEquals(THRESHOLD, m.threshold());
        assertEquals(V1, m.modelVersion());
        assertTrue(identities.isEmpty());
    }

    @Test
    void below_the_threshold_the_answer_is_unknown_with_the_best_candidate() {
        embeddings.pipeInput("ada", enroll("ada", V1, 1, 0, 0));
        IdentityMatch m = identify(V1, 0.3f, 0.95f, 0);
        assertEquals(IdentityMatch.UNKNOWN, m.identity());
        assertFalse(m.known());
        assertEquals("ada", m.bestCandidate());
        assertTrue(m.score() < THRESHOLD);
        assertEquals(THRESHOLD, m.threshold());
    }

    @Test
    void model_versions_are_separate_galleries() {
        embeddings.pipeInput("ada", enroll("ada", V2, 1, 0, 0));
        IdentityMatch other = identify(V1, 1, 0, 0);
        assertEquals(IdentityMatch.UNKNOWN, other.identity());
        assertNull(other.bestCandidate(), "the model:1 gallery is empty");

        // the same person in two versions: separate sums, centroids and matches
        embeddings.pipeInput("ada", enroll("ada", V1, 0, 1, 0));
        embeddings.pipeInput("ada", enroll("ada", V1, 0, 2, 0)); // another image (another enrollment id)
        assertEquals(2, sums().get(GalleryKeys.of(V1, "ada")).count());
        assertEquals(1, sums().get(GalleryKeys.of(V2, "ada")).count());
        assertEquals(1.0, identify(V1, 0, 1, 0).score(), 1e-6);
        assertEquals(0.0, identify(V2, 0, 1, 0).score(), 1e-6, "model:2's ada points elsewhere");
        assertEquals(List.of(V1, V2), GalleryQueries.versionsOf(globalCentroids(), "ada"));
    }

    @Test
    void malformed_embeddings_go_to_the_dead_letter_topic_and_processing_continues() {
        byte[] garbage = "garbage".getBytes(StandardCharsets.UTF_8);
        rawEmbeddings.pipeInput("k".getBytes(StandardCharsets.UTF_8), garbage);
        embeddings.pipeInput("ada", enroll("ada", V1, 1, 0, 0));
        embeddings.pipeInput("cam-1", probe("f-4", V1, 1, 0, 0));

        TestRecord<byte[], byte[]> dead = deadLetters.readRecord();
        assertArrayEquals(garbage, dead.value(), "forwarded unchanged");
        assertEquals(Topics.EMBEDDINGS.name(), DeadLetters.header(dead.headers(), DeadLetters.SOURCE_TOPIC));
        assertTrue(DeadLetters.header(dead.headers(), DeadLetters.ERROR_MESSAGE).contains("not a facestream envelope"));
        assertEquals("ada", identities.readValue().identity(), "good records around the bad one are served");
    }

    @Test
    void unusable_names_are_dead_lettered() {
        embeddings.pipeInput("x", enroll("a|b", V1, 1, 0, 0));
        TestRecord<byte[], byte[]> dead = deadLetters.readRecord();
        assertTrue(DeadLetters.header(dead.headers(), DeadLetters.ERROR_MESSAGE).contains("must not contain"));
        assertTrue(centroids.isEmpty());
    }

    @Test
    void embeddings_of_another_dimension_than_their_version_are_dead_lettered() {
        embeddings.pipeInput("ada", enroll("ada", V1, 1, 0, 0));
        embeddings.pipeInput("ada", enroll("ada", V1, 1, 0, 0, 0));
        embeddings.pipeInput("cam-1", probe("f-5", V1, 1, 0, 0, 0));
        List<TestRecord<byte[], byte[]>> dead = deadLetters.readRecordsToList();
        assertEquals(2, dead.size(), "the 4-d enrolment and the 4-d probe");
        assertTrue(DeadLetters.header(dead.get(0).headers(), DeadLetters.ERROR_MESSAGE)
                .contains("dimension 4, the gallery of model version model:1 has 3"));
        assertEquals(1, sums().get(GalleryKeys.of(V1, "ada")).count(), "the sum kept its dimension");
        assertTrue(identities.isEmpty());
        embeddings.pipeInput("ada", enroll("ada", "model:4d", 1, 0, 0, 0));
        assertEquals(1, sums().get(GalleryKeys.of("model:4d", "ada")).count(), "another version may differ");
    }

    @Test
    void a_tombstone_deletes_the_person_from_every_version() {
        embeddings.pipeInput("ada", enroll("ada", V1, 1, 0, 0));
        embeddings.pipeInput("ada", enroll("ada", V2, 1, 0, 0));
        embeddings.pipeInput("bob", enroll("bob", V1, 0.6f, 0.8f, 0));
        centroids.readRecordsToList();

        delete("ada");

        List<TestRecord<String, Centroid>> out = centroids.readRecordsToList();
        assertEquals(List.of(GalleryKeys.of(V1, "ada"), GalleryKeys.of(V2, "ada")),
                out.stream().map(TestRecord::key).toList(), "one centroid tombstone per version");
        assertTrue(out.stream().allMatch(r -> r.value() == null));
        assertTrue(deadLetters.isEmpty(), "a tombstone is not a malformed record");
        assertNull(sums().get(GalleryKeys.of(V1, "ada")));
        assertNull(sums().get(GalleryKeys.of(V2, "ada")));
        assertNull(globalCentroids().get(GalleryKeys.of(V1, "ada")));
        assertNull(driver.<String, String>getKeyValueStore(GalleryTopology.PERSON_VERSIONS_STORE).get("ada"));
        assertEquals(List.of(), GalleryQueries.versionsOf(globalCentroids(), "ada"));

        IdentityMatch m = identify(V1, 1, 0, 0);
        assertEquals("bob", m.bestCandidate(), "ada is gone; bob remains");
        assertNull(m.runnerUp());
        IdentityMatch inV2 = identify(V2, 1, 0, 0);
        assertNull(inV2.bestCandidate(), "model:2 held only ada");
    }

    @Test
    void a_person_deleted_and_enrolled_again_starts_from_nothing() {
        embeddings.pipeInput("ada", enroll("ada", V1, 1, 0, 0));
        embeddings.pipeInput("ada", enroll("ada", V1, 1, 0, 0));
        delete("ada");
        embeddings.pipeInput("ada", enroll("ada", V1, 0, 0, 5));

        List<TestRecord<String, Centroid>> out = centroids.readRecordsToList();
        Centroid again = out.get(out.size() - 1).value();
        assertEquals(1, again.imageCount(), "the old images are not counted");
        assertArrayEquals(new float[]{0, 0, 1}, again.vector(), 1e-6f);
        assertEquals("ada", identify(V1, 0, 0, 1).identity());
        assertEquals(0.0, identify(V1, 1, 0, 0).score(), 1e-6, "the deleted images no longer match");
    }

    @Test
    void tombstones_for_unknown_people_change_nothing_and_keyless_ones_are_dead_lettered() {
        embeddings.pipeInput("ada", enroll("ada", V1, 1, 0, 0));
        centroids.readRecordsToList();
        delete("nobody");
        delete("a|b");
        assertTrue(centroids.isEmpty());
        assertTrue(deadLetters.isEmpty());

        rawEmbeddings.pipeInput((byte[]) null, (byte[]) null);
        TestRecord<byte[], byte[]> dead = deadLetters.readRecord();
        assertTrue(DeadLetters.header(dead.headers(), DeadLetters.ERROR_MESSAGE).contains("without a key"));
        assertEquals(1, sums().get(GalleryKeys.of(V1, "ada")).count());
    }

    @Test
    void a_calibrated_threshold_sits_above_the_impostor_scores_at_the_target_rate() {
        start(new ThresholdPolicy(ThresholdPolicy.Mode.CALIBRATED, 0.9, 0.3, 5, Map.of()));
        float[][] people = spread(6, 8);
        for (int i = 0; i < people.length; i++) {
            embeddings.pipeInput("p" + i, enroll("p" + i, V1, people[i]));
        }
        // six best impostor scores (each person against the other five) at FAR 0.3: floor(1.8) = 1 may reach the
        // threshold, so it lies just above the 2nd highest
        double[] impostors = bestImpostorScores(people);
        double expected = impostors[impostors.length - 2];

        IdentityMatch m = identify(V1, people[0]);
        assertEquals("p0", m.identity());
        assertEquals(expected, m.threshold(), 1e-6, "the calibrated threshold, not the fixed 0.9");
        assertEquals(m.threshold(), index.gallery(V1, globalCentroids()).threshold().value());

        // a seventh person changes the gallery, and the threshold is calibrated again (7 scores: floor(2.1) = 2)
        float[][] all = spread(7, 8); // the same six, and one more
        embeddings.pipeInput("p6", enroll("p6", V1, all[6]));
        double[] moreImpostors = bestImpostorScores(all);
        double recalibrated = identify(V1, people[1]).threshold();
        assertEquals(moreImpostors[moreImpostors.length - 3], recalibrated, 1e-6);
    }

    @Test
    void too_few_people_to_calibrate_keep_the_fixed_threshold() {
        start(new ThresholdPolicy(ThresholdPolicy.Mode.CALIBRATED, 0.42, 0.1, 5, Map.of()));
        float[][] people = spread(4, 8);
        for (int i = 0; i < people.length; i++) {
            embeddings.pipeInput("p" + i, enroll("p" + i, V1, people[i]));
        }
        assertEquals(0.42, identify(V1, people[2]).threshold());
        assertEquals("FIXED_TOO_FEW_PERSONS", index.gallery(V1, globalCentroids()).threshold().source().name());
    }

    @Test
    void per_person_thresholds_decide_for_that_person_and_are_stated_in_the_match() {
        start(new ThresholdPolicy(ThresholdPolicy.Mode.FIXED, 0.5, 1e-3, 50, Map.of("ada", 0.9)));
        embeddings.pipeInput("ada", enroll("ada", V1, 1, 0, 0));
        embeddings.pipeInput("bob", enroll("bob", V1, 0, 1, 0));

        IdentityMatch nearAda = identify(V1, 0.8f, 0, 0.6f); // cosine 0.8 with ada
        assertEquals(IdentityMatch.UNKNOWN, nearAda.identity(), "0.8 is below ada's own 0.9");
        assertEquals("ada", nearAda.bestCandidate());
        assertEquals(0.9, nearAda.threshold());

        IdentityMatch nearBob = identify(V1, 0, 0.8f, 0.6f);
        assertEquals("bob", nearBob.identity(), "0.8 passes the version's 0.5");
        assertEquals(0.5, nearBob.threshold());

        assertEquals("ada", identify(V1, 0.95f, 0, 0.3122499f).identity(), "0.95 passes ada's 0.9");
    }

    @Test
    void versions_are_listed_with_one_seek_each_whatever_their_names() {
        List<String> names = List.of("a", "a b", "a}", "a~x", "b", "model:1");
        for (String v : names) {
            centroidInput.pipeInput(GalleryKeys.of(v, "p1"), new Centroid(v, "p1", 1, 2, new float[]{1, 0}));
            centroidInput.pipeInput(GalleryKeys.of(v, "p2"), new Centroid(v, "p2", 1, 2, new float[]{0, 1}));
        }
        List<String> expected = new ArrayList<>(names);
        // in key order: "a b|..." sorts before "a|..." (' ' < '|'), "a}|..." after every "a|..."
        expected.sort((x, y) -> Arrays.compare((x + "|").getBytes(StandardCharsets.UTF_8),
                (y + "|").getBytes(StandardCharsets.UTF_8)));
        assertEquals(List.of("a b", "a", "a}", "a~x", "b", "model:1"), expected);
        assertEquals(expected, GalleryQueries.versions(globalCentroids()));
        assertEquals(Map.of("a}", 1L), GalleryQueries.imageCounts(globalCentroids(), "a}").get("p1"));
        assertEquals(names.size(), GalleryQueries.imageCounts(globalCentroids(), null).get("p2").size());
    }

    /** Unit vectors with distinct, unequal pairwise cosines. */
    static float[][] spread(int n, int dim) {
        java.util.Random random = new java.util.Random(7);
        float[][] out = new float[n][dim];
        for (int i = 0; i < n; i++) {
            double norm = 0;
            for (int d = 0; d < dim; d++) {
                out[i][d] = (float) random.nextGaussian();
                norm += out[i][d] * out[i][d];
            }
            for (int d = 0; d < dim; d++) {
                out[i][d] /= (float) Math.sqrt(norm);
            }
        }
        return out;
    }

    /** Each vector's highest cosine against the others, ascending: the oracle for the calibration. */
    static double[] bestImpostorScores(float[][] unit) {
        double[] best = new double[unit.length];
        for (int i = 0; i < unit.length; i++) {
            best[i] = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < unit.length; j++) {
                if (j != i) {
                    double s = 0;
                    for (int d = 0; d < unit[i].length; d++) {
                        s += (double) unit[i][d] * unit[j][d];
                    }
                    best[i] = Math.max(best[i], s);
                }
            }
        }
        double[] sorted = best.clone();
        Arrays.sort(sorted);
        return sorted;
    }
}
