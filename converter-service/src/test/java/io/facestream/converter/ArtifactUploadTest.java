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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Bring your own model: POST /artifacts accepts a .tflite file only after it verifies, loads and runs as a face
 * embedding model, stores and publishes it; everything else gets a 4xx with the reason (converter.max-upload-bytes
 * is 3,000,000 in tests).
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
    void garbage_is_refused() {
        refused("hello, I am not a model".getBytes(), "not a TFLite model");
    }

    @Test
    void a_truncated_model_is_refused() {
        refused(Arrays.copyOf(good, good.length / 3), "verification");
    }

    @Test
    void a_tampered_model_is_refused_by_its_digest() {
        byte[] tampered = TestModels.flipBit(good, good.length - 1000, 3); // inside the weights: still loads
        upload(tampered, Map.of("modelName", "byo-tampered", "scale", 0.0078431373, "offset", -1,
                "sha256", Sha256.of(good)))
                .statusCode(400).body("message", containsString("damaged or tampered with"));
    }

    @Test
    void a_model_with_a_bit_flipped_in_its_structure_fails_verification() {
        refused(TestModels.flipBit(good, 2, 7), "verification");
    }

    @Test
    void a_model_whose_input_is_not_an_rgb_image_is_refused() {
        refused(TestModels.greyInputModel(), "[1, S, S, 3]");
    }

    @Test
    void a_model_with_an_operator_the_runtime_lacks_is_refused() {
        refused(TestModels.withCustomOperator(good), "FacestreamMystery");
    }

    @Test
    void a_declared_input_size_must_match_the_model() {
        upload(good, Map.of("modelName", "byo-size", "inputSize", 112, "scale", 0.0078431373, "offset", -1))
                .statusCode(400).body("message", containsString("declared inputSize is 112"));
        upload(good, Map.of("modelName", "byo-size")).statusCode(400)
                .body("message", containsString("scale and offset are required"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"../../etc/passwd", "a/b", "a\\b", "..", "evil\u0001", "x|y"})
    void names_that_could_escape_a_folder_or_split_a_key_are_refused(String name) {
        upload(good, Map.of("modelName", name, "scale", 0.0078431373, "offset", -1))
                .statusCode(400).body("message", startsWith("modelName must not"));
        upload(good, Map.of("modelName", "byo-ok", "version", name, "scale", 0.0078431373, "offset", -1))
                .statusCode(400).body("message", startsWith("version must not"));
    }

    @Test
    void an_upload_over_the_limit_gets_413() {
        upload(new byte[3_000_001], Map.of("modelName", "byo-big", "scale", 0.0078431373, "offset", -1))
                .statusCode(413).body("message", containsString("converter.max-upload-bytes"));
    }

    private static void refused(byte[] bytes, String reason) {
        upload(bytes, Map.of("modelName", "byo-refused", "scale", 0.0078431373, "offset", -1))
                .statusCode(400).body("status", is(400)).body("message", containsString(reason));
    }

    private static ValidatableResponse upload(byte[] body, Map<String, ?> query) {
        return given().contentType(ContentType.BINARY).queryParams(query).body(body).post("/artifacts").then();
    }
}
