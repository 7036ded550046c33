package io.facestream.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.facestream.events.Topics;
import io.facestream.events.domain.FaceBox;
import io.facestream.events.domain.IdentityMatch;
import io.facestream.kafka.testing.KafkaExtension;
import io.facestream.kafka.testing.KafkaTopics;
import io.facestream.kafka.testing.TestClients;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** follow identities against the real test broker. */
@ExtendWith(KafkaExtension.class)
@KafkaTopics("faces.identities:2")
class FollowIdentitiesTest {

    private static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static IdentityMatch known(String source, String frame, String person, double score) {
        return new IdentityMatch(frame, source, 0, "v3", person, person, score, "Bob", 0.31, score - 0.31, 0.45,
                new FaceBox(10, 20, 80, 80, 0.98), 1_780_000_000_000L, 1_780_000_000_250L);
    }

    private static IdentityMatch unknown(String source, String frame) {
        return new IdentityMatch(frame, source, 1, "v3", IdentityMatch.UNKNOWN, "Ada", 0.312, null, 0, 0, 0.45, null,
                1_780_000_000_000L, 1_780_000_000_400L);
    }

    /** Sends matches (and raw values, for malformed records) keyed by their source, as the gallery does. */
    private static void send(String source, Object... values) {
        try (KafkaProducer<String, byte[]> producer = TestClients.producer(new StringSerializer(),
                new ByteArraySerializer())) {
            for (Object v : values) {
                byte[] bytes = v instanceof IdentityMatch m
                        ? Topics.IDENTITIES.valueSerde().serializer().serialize(Topics.IDENTITIES.name(), m)
                        : ((String) v).getBytes(StandardCharsets.UTF_8);
                producer.send(new ProducerRecord<>(Topics.IDENTITIES.name(), source, bytes));
            }
            producer.flush();
        }
    }

    @Test
    void printsTheMatchesOfOneSourceFromTheBeginning(@KafkaExtension.Bootstrap String bootstrap) {
        String source = unique("cam");
        send(source, known(source, "f-1", "Ada_Lovelace", 0.812), "not an envelope", unknown(source, "f-2"));
        send(unique("other"), known("other", "f-9", "Bob", 0.9));

        Cli.Result r = Cli.run("follow", "identities", "--from-beginning", "--source", source, "--count", "2",
                "--timeout", "30", "--bootstrap-servers", bootstrap);

        assertEquals(0, r.exitCode(), r.toString());
        List<String> lines = r.out().lines().toList();
        assertEquals(List.of(
                "2026-05-28T20:26:40.250Z " + source + " f-1 face 0: Ada_Lovelace 0.812 (threshold 0.450; "
                        + "runner-up Bob 0.310) model v3",
                "2026-05-28T20:26:40.400Z " + source + " f-2 face 1: unknown (best Ada 0.312, threshold 0.450) "
                        + "model v3"), lines);
        assertTrue(r.err().contains("skipped a malformed record at faces.identities-"), r.err());
        assertTrue(r.err().contains("first byte is 0x6E, expected 0xFA"), r.err());
    }

    @Test
    void printsJsonLines(@KafkaExtension.Bootstrap String bootstrap) {
        String source = unique("cam");
        send(source, known(source, "f-1", "Ada_Lovelace", 0.812));

        Cli.Result r = Cli.run("follow", "identities", "--from-beginning", "--source", source, "--count", "1",
                "--json", "--timeout", "30", "--bootstrap-servers", bootstrap);

        assertEquals(0, r.exitCode(), r.toString());
        JsonNode match = TrainCommandsTest.parse(r.out().strip());
        assertEquals("Ada_Lovelace", match.path("identity").asText());
        assertEquals(0.812, match.path("score").asDouble(), 1e-9);
        assertEquals(80, match.path("box").path("width").asInt());
        assertEquals(source, match.path("sourceId").asText());
        assertFalse(match.has("known"), "only the record's fields");
    }

    @Test
    void followsFromNowOnByDefault(@KafkaExtension.Bootstrap String bootstrap) throws Exception {
        String source = unique("cam");
        send(source, known(source, "old-frame", "Ada_Lovelace", 0.8));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();

        CompletableFuture<Integer> following = CompletableFuture.supplyAsync(() -> Cli.run(out, err, "follow",
                "identities", "--source", source, "--count", "1", "--timeout", "60", "--bootstrap-servers", bootstrap));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!err.toString().contains("following faces.identities from now on") && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        send(source, known(source, "new-frame", "Ada_Lovelace", 0.9));

        assertEquals(0, following.get(60, TimeUnit.SECONDS), out + "\n" + err);
        assertTrue(out.toString().contains(" new-frame face 0: Ada_Lovelace 0.900"), out.toString());
        assertFalse(out.toString().contains("old-frame"), "what was there before is not shown");
    }

    @Test
    void tooFewMatchesBeforeTheTimeoutIsAFailure(@KafkaExtension.Bootstrap String bootstrap) {
        Cli.Result r = Cli.run("follow", "identities", "--source", unique("nobody"), "--count", "1",
                "--timeout", "1", "--bootstrap-servers", bootstrap);

        assertEquals(ExitCodes.FAILED, r.exitCode(), r.toString());
        assertTrue(r.err().contains("timed out after 1 s with 0 of 1 matches"), r.err());
    }
}
