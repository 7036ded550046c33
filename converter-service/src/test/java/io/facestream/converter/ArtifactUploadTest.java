package io.facestream.converter;

import io.facestream.events.Topics;
import io.facestream.events.domain.ModelArtifactEvent;
import io.facestream.events.domain.Sha256;
import io.facestream.kafka.testing.KafkaTestResource;
import io.facestream.kafka.testing.TestClients;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Bring your own model: POST /artifacts accepts a .tflite file only after it verifies, loads and runs as a face
 * embedding model, stores and publishes it; a well-formed model that is not a face model gets a 400 with the reason.
 * Tampered and malformed files, unusable names and oversize uploads: {@link BadInputCorpusTest}.
 */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(ConverterTestData.class)
class ArtifactUploadTest {

    static byte[] good;

    @BeforeAll
    static void build() {
        good = TestModels.goodModel(11);
    }

    @Test
    void a_face_model_is_stored_published_and_downloadable() {
        String model = "byo-" + Long.toString(System.nanoTime(), 36);
        ValidatableResponse created = upload(good, Map.of("modelName", model, "version", "v1", "scale", 0.0078431373,
                "offset", -1, "backbone", "MobileNetV2", "sha256", Sha256.of(good)))
                .statusCode(201)
                .header("Location", containsString("/artifacts/"))
                .body("published", is(true))
                .body("origin", is("upload"))
                .body("event.sha256", is(Sha256.of(good)))
                .body("event.quantization", is("float32"))
                .body("event.inputShape", is(List.of(64, 64, 3)))
                .body("event.embeddingSize", is(TestCheckpoints.EMBEDDING))
                .body("event.preprocessing.colorOrder", is("RGB"));
        String id = created.extract().path("id");

        List<ConsumerRecord<String, ModelArtifactEvent>> out = TestClients.read(Topics.ARTIFACTS.name(),
                new StringDeserializer(), Topics.ARTIFACTS.valueSerde().deserializer(),
                r -> model.equals(r.key()), 1, Duration.ofSeconds(30));
        assertEquals(1, out.size());
        ModelArtifactEvent event = out.get(0).value();
        assertEquals("v1", event.version());
        assertEquals(good.length, event.sizeBytes());
        byte[] downloaded = given().get("/artifacts/" + id + "/model.tflite").then().statusCode(200)
                .header("X-Artifact-SHA256", is(event.sha256())).extract().asByteArray();
        assertArrayEquals(good, downloaded);
        given().get("/artifacts/" + id + "/roc.png").then().statusCode(404).body("message", containsString("ROC"));

        upload(good, Map.of("modelName", model, "version", "v1", "scale", 0.0078431373, "offset", -1))
                .statusCode(409).body("message", containsString("already has an artifact of version v1"));
    }

    @Test
    void a_model_whose_input_is_not_an_rgb_image_is_refused() {
        refused(TestModels.greyInputModel(), "[1, S, S, 3]");
    }

    @Test
    void a_declared_input_size_must_match_the_model() {
        upload(good, Map.of("modelName", "byo-size", "inputSize", 112, "scale", 0.0078431373, "offset", -1))
                .statusCode(400).body("message", containsString("declared inputSize is 112"));
        upload(good, Map.of("modelName", "byo-size")).statusCode(400)
                .body("message", containsString("scale and offset are required"));
    }

    private static void refused(byte[] bytes, String reason) {
        upload(bytes, Map.of("modelName", "byo-refused", "scale", 0.0078431373, "offset", -1))
                .statusCode(400).body("status", is(400)).body("message", containsString(reason));
    }

    private static ValidatableResponse upload(byte[] body, Map<String, ?> query) {
        return given().contentType(ContentType.BINARY).queryParams(query).body(body).post("/artifacts").then();
    }
}
