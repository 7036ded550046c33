package io.facestream.trainer.rest;

import io.facestream.kafka.testing.KafkaTestResource;
import io.facestream.trainer.FreshDataDir;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.nullValue;

/**
 * Refused requests answer 400 naming the field at fault, and unknown runs and checkpoints 404, all as JSON
 * {status, message, field}; nothing is queued by a refused request. Malformed bodies and names that try to leave a
 * folder: {@link BadInputCorpusTest}.
 */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(FreshDataDir.class)
class TrainingRunRequestTest {

    private static Path folder;

    @BeforeAll
    static void folders() throws IOException {
        folder = TestFaces.scratch("request-");
        Files.createDirectories(folder.resolve("person"));
    }

    private static String withDataset(String fields) {
        return "{" + fields + (fields.isEmpty() ? "" : ", ") + "\"dataset\": {\"type\": \"folder\", \"path\": \""
                + folder + "\"}}";
    }

    private static void refused(String body, String field, String messagePart) {
        given().contentType("application/json").body(body).post("/training-runs").then()
                .statusCode(400)
                .body("status", is(400))
                .body("field", field == null ? nullValue() : is(field))
                .body("message", containsString(messagePart));
    }

    @Test
    void theBodyMustBeAJsonObjectWithADataset() {
        refused("{\"batch_size\": 8}", "dataset", "dataset is required");
        refused("{\"dataset\": \"folder\"}", "dataset", "object");
    }

    @Test
    void whatTheDataDecidesIsRefused() {
        refused(withDataset("\"num_classes\": 85742"), "num_classes", "comes from the data");
        refused(withDataset("\"dataset_len\": 5822653"), "dataset_len", "comes from the data");
    }

    @Test
    void unknownNamesAndBadValuesNameTheirField() {
        refused(withDataset("\"bach_size\": 8"), "bach_size", "unknown field 'bach_size'");
        refused(withDataset("\"batch_size\": 0"), "batch_size", "batch_size must be at least 1");
        refused(withDataset("\"batch_size\": \"many\""), "batch_size", "wrong type");
        refused(withDataset("\"base_lr\": -1"), "base_lr", "base_lr must be positive");
        refused(withDataset("\"backbone_type\": \"AlexNet\""), "backbone_type", "unknown backbone");
        refused(withDataset("\"head_type\": \"TripletHead\""), "head_type", "unknown head_type");
        refused(withDataset("\"input_size\": 8"), "input_size", "inputSize must be in 16..1024");
        refused(withDataset("\"lr_decay_rate\": 2"), "lr_decay_rate", "lr_decay_rate must be in (0, 1]");
        refused(withDataset("\"backbone_type\": \"MobileFaceNet\", \"alpha\": 0.5"), "alpha", "alpha");
        refused(withDataset("\"model_name\": \"../../etc\""), "model_name", "model_name must be");
    }

    @Test
    void datasetsArePathsThatExist() throws IOException {
        refused("{\"dataset\": {\"type\": \"csv\"}}", "dataset.type", "one of folder, tfrecord, enrollments");
        refused("{\"dataset\": {\"path\": \"/x\"}}", "dataset.type", "dataset.type is required");
        refused("{\"dataset\": {\"type\": \"folder\", \"path\": \"" + folder.resolve("absent") + "\"}}",
                "dataset.path", "no folder at");
        refused("{\"dataset\": {\"type\": \"folder\"}}", "dataset.path", "dataset.path is required");
        refused("{\"dataset\": {\"type\": \"enrollments\", \"path\": \"/x\"}}", "dataset.path", "no field 'path'");
        refused("{\"dataset\": {\"type\": \"tfrecord\", \"path\": \"" + folder + "\"}}", "dataset.path",
                "no .tfrecord file");
        Path records = Files.createDirectories(folder.resolve("records"));
        Files.write(records.resolve("train.tfrecord"), new byte[0]);
        refused("{\"binary_img\": false, \"dataset\": {\"type\": \"tfrecord\", \"path\": \"" + records
                + "\", \"binary_img\": true}}", "dataset.binary_img", "contradicts binary_img");
        refused("{\"dataset\": {\"type\": \"tfrecord\", \"path\": \"" + records + "\", \"images_root\": \""
                + folder + "\"}}", "dataset.images_root", "binary_img false");
    }

    @Test
    void pairsAndHoldOutAreChecked() throws IOException {
        refused(withDataset("\"pairs\": {\"path\": \"" + folder.resolve("pairs.txt") + "\"}"), "pairs.path",
                "no file at");
        Path bad = Files.writeString(folder.resolve("bad-pairs.txt"), "2\nperson\t1\t2\n");
        refused(withDataset("\"pairs\": {\"path\": \"" + bad + "\"}"), "pairs.path", "cannot use the pairs set");
        refused(withDataset("\"hold_out_pairs_people\": true"), "hold_out_pairs_people", "needs a pairs set");
        refused(withDataset("\"pretrained_h5\": \"" + folder.resolve("weights.h5") + "\""), "pretrained_h5",
                "no file at");
    }

    @Test
    void unknownRunsAndCheckpointsAre404() {
        given().get("/training-runs/run-nope").then().statusCode(404).body("status", is(404))
                .body("message", containsString("no training run 'run-nope'"));
        given().delete("/training-runs/run-nope").then().statusCode(404);
        given().post("/training-runs/run-nope/resume").then().statusCode(404);
        given().get("/training-runs/run-nope/events").then().statusCode(404);
        given().get("/training-runs/run-nope/checkpoints").then().statusCode(404);
        given().get("/training-runs/run-nope/checkpoints/ckpt-0000000010").then().statusCode(404);
        given().get("/training-runs/run-nope/checkpoints/ckpt-0000000010/roc.png").then().statusCode(404);
    }
}
