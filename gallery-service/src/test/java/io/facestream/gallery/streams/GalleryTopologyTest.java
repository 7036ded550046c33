package io.facestream.gallery.streams;

import io.facestream.events.Topics;
import io.facestream.events.domain.EmbeddingEvent;
import io.facestream.events.domain.IdentityMatch;
import io.facestream.events.messaging.DeadLetters;
import io.facestream.events.serde.Serdes;
import io.facestream.events.domain.Centroid;
import io.facestream.events.domain.GalleryKeys;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The gallery topology without a broker: enrollment, identification, unknowns and dead letters. */
class GalleryTopologyTest {

    static final String V1 = "model:1";
    static final double THRESHOLD = 0.5;

    TopologyTestDriver driver;
    TestInputTopic<String, EmbeddingEvent> embeddings;
    TestInputTopic<byte[], byte[]> rawEmbeddings;
    TestOutputTopic<String, IdentityMatch> identities;
    TestOutputTopic<String, Centroid> centroids;
    TestOutputTopic<byte[], byte[]> deadLetters;

    @BeforeEach
    void start() {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "gallery-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, "target/ttd-state");
        driver = new TopologyTestDriver(GalleryTopology.build(THRESHOLD), props);
        embeddings = driver.createInputTopic(Topics.EMBEDDINGS.name(), new StringSerializer(), Serdes.embedding());
        rawEmbeddings = driver.createInputTopic(Topics.EMBEDDINGS.name(), new ByteArraySerializer(), new ByteArraySerializer());
        identities = driver.createOutputTopic(Topics.IDENTITIES.name(), new StringDeserializer(), Serdes.identity());
        centroids = driver.createOutputTopic(Topics.CENTROIDS.name(), new StringDeserializer(),
                Serdes.centroid());
        deadLetters = driver.createOutputTopic(Topics.EMBEDDINGS.dlq(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    static EmbeddingEvent enroll(String person, String version, float... v) {
        return EmbeddingEvent.enrollment("e-" + person + "-" + java.util.Arrays.hashCode(v), person, version, null,
                1, 2, 0, 0, v);
    }

    static EmbeddingEvent probe(String frameId, String version, float... v) {
        return EmbeddingEvent.probe(frameId, "cam-1", 0, version, null, 1, 2, 0, 0, v);
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
        embeddings.pipeInput("cam-1", probe("f-2", V1, 0.3f, 0.95f, 0));
        IdentityMatch m = identities.readValue();
        assertEquals(IdentityMatch.UNKNOWN, m.identity());
        assertFalse(m.known());
        assertEquals("ada", m.bestCandidate());
        assertTrue(m.score() < THRESHOLD);
    }

    @Test
    void probes_match_only_their_own_model_version() {
        embeddings.pipeInput("ada", enroll("ada", "model:2", 1, 0, 0));
        embeddings.pipeInput("cam-1", probe("f-3", V1, 1, 0, 0));
        IdentityMatch m = identities.readValue();
        assertEquals(IdentityMatch.UNKNOWN, m.identity());
        assertNull(m.bestCandidate(), "the model:1 gallery is empty");
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
}
