package io.facestream.trainer.rest;

import io.facestream.events.Topics;
import io.facestream.events.domain.EnrollmentEvent;
import io.facestream.events.serde.Envelope;
import io.facestream.kafka.testing.BadInputCorpus;
import io.facestream.kafka.testing.BadInputCorpus.Item;
import io.facestream.kafka.testing.KafkaTestResource;
import io.facestream.kafka.testing.TestClients;
import io.facestream.kafka.testing.TestKafka;
import io.facestream.model.image.ImageDecoder;
import io.facestream.trainer.FreshDataDir;
import io.facestream.trainer.data.LabelledImage;
import io.facestream.trainer.messaging.EnrollmentTopicSource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The bad-input corpus through trainer-service: every malformed JSON body, every corpus name as the model name and
 * as each path field (a path must be what its field needs: a folder, a pairs file, HDF5 weights), a wrong content
 * type and an oversize body get a 4xx with the reason from POST /training-runs; every corpus name as a run or checkpoint id of every other endpoint gets 404 with the reason;
 * and the reader of faces.enrollments behind {"dataset": {"type": "enrollments"}} skips every broken image and every
 * damaged envelope, keeping exactly the good enrollments sent between them.
 */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(FreshDataDir.class)
class BadInputCorpusTest {

    static final String RUN = Long.toString(System.nanoTime(), 36);
    private static Path folder;

    @BeforeAll
    static void folders() throws IOException {
        folder = TestFaces.scratch("corpus-");
        Files.createDirectories(folder.resolve("person"));
    }

    private static String withDataset(String fields) {
        return "{" + fields + ", \"dataset\": {\"type\": \"folder\", \"path\": \"" + folder + "\"}}";
    }

    private static String quoted(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c < 0x20) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.append('"').toString();
    }

    @TestFactory
    Stream<DynamicTest> post_training_runs() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Item json : BadInputCorpus.malformedJson()) {
            tests.add(DynamicTest.dynamicTest("json " + json.kind(), () -> refused(given()
                    .contentType("application/json").body(json.bytes()).post("/training-runs"), 400, json)));
        }
        for (Item name : BadInputCorpus.names()) {
            String n = quoted(name.text());
            tests.add(DynamicTest.dynamicTest("names " + name.kind(), () -> {
                refused(post(withDataset("\"model_name\": " + n)), 400, name, "model_name");
                // the path fields name server paths by design; each must be what the field needs, whatever the name
                if (!name.text().equals("..")) { // ".." is a folder: a dataset path like any other
                    refused(post("{\"dataset\": {\"type\": \"folder\", \"path\": " + n + "}}"), 400, name,
                            "dataset.path");
                }
                refused(post(withDataset("\"pairs\": {\"path\": " + n + "}")), 400, name, "pairs.path");
                refused(post(withDataset("\"pretrained_h5\": " + n)), 400, name, "pretrained_h5");
            }));
        }
        tests.add(DynamicTest.dynamicTest("wrong-content-type", () -> refused(given().contentType("text/plain")
                .body(withDataset("\"batch_size\": 8")).post("/training-runs"), 415,
                new Item("wrong-content-type", new byte[0], "text/plain", "JSON sent as text/plain"))));
        Item oversize = BadInputCorpus.oversize("oversize-body", 11 * 1024 * 1024, "application/json");
        tests.add(DynamicTest.dynamicTest(oversize.kind(), () -> assertEquals(413, postExpectingContinue(oversize))));
        int runsBefore = given().get("/training-runs").then().statusCode(200).extract().jsonPath().getList("").size();
        tests.add(DynamicTest.dynamicTest("nothing was queued by a refused request", () ->
                assertEquals(runsBefore, given().get("/training-runs").then().statusCode(200).extract().jsonPath()
                        .getList("").size())));
        return tests.stream();
    }

    @TestFactory
    Stream<DynamicTest> ids_in_paths() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Item name : BadInputCorpus.names()) {
            if (name.text().equals("..")) {
                continue; // as a path segment ".." names the parent in a URL: it never reaches a resource as an id
            }
            String id = URLEncoder.encode(name.text(), StandardCharsets.UTF_8).replace("+", "%20");
            tests.add(DynamicTest.dynamicTest(name.kind(), () -> {
                for (String path : List.of("/training-runs/" + id, "/training-runs/" + id + "/events",
                        "/training-runs/" + id + "/checkpoints", "/training-runs/" + id + "/checkpoints/" + id,
                        "/training-runs/" + id + "/checkpoints/" + id + "/roc.png")) {
                    refused(given().urlEncodingEnabled(false).get(path), 404, name);
                }
                refused(given().urlEncodingEnabled(false).delete("/training-runs/" + id), 404, name);
                refused(given().urlEncodingEnabled(false).post("/training-runs/" + id + "/resume"), 404, name);
            }));
        }
        return tests.stream();
    }

    /**
     * faces.enrollments as a training dataset: broken images and damaged envelopes of one person sent between good
     * enrollments; the reader keeps exactly the good ones, each of which decodes.
     */
    @TestFactory
    Stream<DynamicTest> faces_enrollments_dataset() throws Exception {
        String person = "Corpus_" + RUN;
        byte[] good = BadInputCorpus.goodJpeg();
        List<String> goodIds = new ArrayList<>();
        List<Item> bad = new ArrayList<>(BadInputCorpus.images());
        byte[] template = enrollment("template", person, "image/jpeg", good);
        Envelope.Parts parts = Envelope.decode("template", template);
        List<Item> envelopes = BadInputCorpus.envelopes(Envelope::encode, parts.metadataJson(), parts.payload());
        try (KafkaProducer<byte[], byte[]> producer = TestClients.producer(new ByteArraySerializer(),
                new ByteArraySerializer())) {
            byte[] key = person.getBytes(StandardCharsets.UTF_8);
            for (Item image : bad) {
                producer.send(new ProducerRecord<>(Topics.ENROLLMENTS.name(), key,
                        enrollment("bad-" + image.kind(), person, image.contentType(), image.bytes())));
                goodIds.add(send(producer, key, person, "good-after-" + image.kind(), good));
            }
            for (Item damaged : envelopes) {
                producer.send(new ProducerRecord<>(Topics.ENROLLMENTS.name(), key, damaged.bytes()));
                goodIds.add(send(producer, key, person, "good-after-" + damaged.kind(), good));
            }
            producer.flush();
        }
        EnrollmentTopicSource source = new EnrollmentTopicSource(
                Map.<String, Object>of("bootstrap.servers", TestKafka.bootstrapServers()), new ImageDecoder(), Duration.ofSeconds(60));
        List<LabelledImage> mine = source.images().stream().filter(i -> person.equals(i.identity())).toList();
        String description = source.description();
        // the person is deleted again, so that no other test's run on the topic trains on them
        try (KafkaProducer<byte[], byte[]> producer = TestClients.producer(new ByteArraySerializer(),
                new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(Topics.ENROLLMENTS.name(), person.getBytes(StandardCharsets.UTF_8),
                    null)).get();
        }

        List<DynamicTest> tests = new ArrayList<>();
        tests.add(DynamicTest.dynamicTest("exactly the good enrollments are kept, in order", () ->
                assertEquals(goodIds, mine.stream().map(i -> i.origin().replaceAll(".*\\((.*)\\)$", "$1")).toList())));
        tests.add(DynamicTest.dynamicTest("every kept image decodes", () -> {
            for (LabelledImage i : mine) {
                assertEquals(80, i.load().width(), i.origin());
            }
        }));
        tests.add(DynamicTest.dynamicTest("the skipped records are counted", () ->
                assertTrue(description.matches(".* [1-9]\\d* records skipped as unreadable"), description)));
        return tests.stream();
    }

    private static String send(KafkaProducer<byte[], byte[]> producer, byte[] key, String person, String id,
                               byte[] image) {
        String eventId = RUN + "-" + id;
        producer.send(new ProducerRecord<>(Topics.ENROLLMENTS.name(), key, enrollment(eventId, person, "image/jpeg",
                image)));
        return eventId;
    }

    private static byte[] enrollment(String id, String person, String contentType, byte[] image) {
        return Topics.ENROLLMENTS.valueSerde().serializer().serialize(Topics.ENROLLMENTS.name(),
                new EnrollmentEvent(id, person, System.currentTimeMillis(), contentType, true, image));
    }

    /**
     * Posts with Expect: 100-continue (over HTTP/1.1: the JDK client would otherwise ask for an h2c upgrade), so an
     * answer refusing the body comes before it is sent, as a careful client does; a client sending it all would see
     * the connection closed under it. Returns the status.
     */
    private static int postExpectingContinue(Item item) throws Exception {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + RestAssured.port
                        + "/training-runs")).header("Content-Type", item.contentType()).expectContinue(true)
                .POST(HttpRequest.BodyPublishers.ofByteArray(item.bytes())).build();
        return client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static Response post(String body) {
        return given().contentType("application/json").body(body).post("/training-runs");
    }

    private static void refused(Response r, int status, Item item) {
        refused(r, status, item, null);
    }

    private static void refused(Response r, int status, Item item, String field) {
        assertEquals(status, r.statusCode(), item.kind() + " (" + item.flaw() + "): " + r.asString());
        String message = r.asString().isEmpty() ? null : r.jsonPath().getString("message");
        assertTrue(message != null && !message.isBlank(), item.kind() + ": no reason in '" + r.asString() + "'");
        if (field != null) {
            assertEquals(field, r.jsonPath().getString("field"), item.kind() + ": " + r.asString());
        }
    }
}
