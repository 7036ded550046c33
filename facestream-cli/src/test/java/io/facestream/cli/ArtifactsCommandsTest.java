package io.facestream.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.facestream.events.domain.Sha256;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** artifacts list, inspect, download and upload against a stand-in converter-service. */
class ArtifactsCommandsTest {

    private static final String ID = "mf3k2a1b-4c9e0f";

    private StubService converter;
    private byte[] model;

    @BeforeEach
    void start() throws IOException {
        converter = new StubService();
        model = new byte[50_000];
        new Random(7).nextBytes(model);
    }

    @AfterEach
    void stop() {
        converter.close();
    }

    /** An ArtifactRecord as converter-service writes it. */
    private static String artifact(String id, String sha256, long size, boolean published) {
        return "{\"id\":\"" + id + "\",\"event\":{\"modelName\":\"faces-mobilefacenet\",\"version\":\"v3\","
                + "\"backbone\":\"MobileFaceNet\",\"head\":\"ArcHead\",\"quantization\":\"int8\","
                + "\"inputShape\":[112,112,3],\"preprocessing\":{\"inputSize\":112,\"colorOrder\":\"RGB\","
                + "\"scale\":0.007843138,\"offset\":-1.0},\"embeddingSize\":512,\"sizeBytes\":" + size
                + ",\"sha256\":\"" + sha256 + "\",\"validation\":{\"meanCosineToFloat32\":0.99871,"
                + "\"validationImages\":64.0},\"downloadUrl\":\"http://converter:8082/artifacts/" + id
                + "/model.tflite\",\"createdAtMs\":1780000000000},\"validation\":null,\"origin\":\"conversion\","
                + "\"conversionId\":\"c1\",\"checkpointSha256\":null,\"uint8Input\":false,\"published\":" + published
                + ",\"note\":" + (published ? "null" : "\"not published: the request asked for publish=false\"")
                + ",\"rocPlot\":false}";
    }

    private static final String INSPECTION = "{\"sizeBytes\":50000,\"constantBytes\":41000,\"schemaVersion\":3,"
            + "\"description\":\"facestream\",\"inputs\":[{\"index\":0,\"name\":\"input\",\"type\":\"INT8\","
            + "\"shape\":[1,112,112,3],\"dataBytes\":0,\"scales\":[0.007843138],\"zeroPoints\":[-1],"
            + "\"quantizedDimension\":0}],\"outputs\":[{\"index\":9,\"name\":\"embedding\",\"type\":\"FLOAT32\","
            + "\"shape\":[1,512],\"dataBytes\":0,\"scales\":[],\"zeroPoints\":[],\"quantizedDimension\":0}],"
            + "\"operatorCounts\":{\"QUANTIZE\":1,\"CONV_2D\":12,\"DEPTHWISE_CONV_2D\":10},"
            + "\"operators\":[{},{},{}],\"tensors\":[{},{},{},{}]}";

    private void serveModel(String headerSha) {
        converter.on("GET", "/artifacts/" + ID + "/model.tflite", exchange -> {
            exchange.getResponseHeaders().add("X-Artifact-SHA256", headerSha);
            StubService.send(exchange, 200, "application/octet-stream", model);
        });
    }

    @Test
    void listPrintsATable() {
        converter.on("GET", "/artifacts", StubService.json(200, "[" + artifact(ID, Sha256.of(model), model.length, true)
                + "," + artifact("mf3k0000-000001", Sha256.of(model), 1_500_000, false) + "]"));

        Cli.Result r = Cli.run("artifacts", "list", "--converter-url", converter.url());

        assertEquals(0, r.exitCode(), r.toString());
        String[] lines = r.out().split("\n");
        assertEquals(3, lines.length, r.out());
        assertTrue(lines[0].matches("ID +MODEL +VERSION +QUANTIZATION +INPUT +EMBEDDING +SIZE +ORIGIN +PUBLISHED"),
                lines[0]);
        assertTrue(lines[1].matches(ID + " +faces-mobilefacenet +v3 +int8 +\\[112, 112, 3] +512 +48\\.8 KiB "
                + "+conversion +yes"), lines[1]);
        assertTrue(lines[2].matches("mf3k0000-000001 .* 1\\.4 MiB +conversion +no"), lines[2]);
    }

    @Test
    void inspectShowsMetadataAndTheFilesStructure() {
        converter.on("GET", "/artifacts/" + ID, StubService.json(200, artifact(ID, Sha256.of(model), model.length,
                false)));
        converter.on("GET", "/artifacts/" + ID + "/inspection", StubService.json(200, INSPECTION));

        Cli.Result r = Cli.run("artifacts", "inspect", ID, "--converter-url", converter.url());

        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.out().contains("model          faces-mobilefacenet version v3 (conversion, not published: "
                + "the request asked for publish=false)"), r.out());
        assertTrue(r.out().contains("quantization   int8, input [112, 112, 3], embedding 512"), r.out());
        assertTrue(r.out().contains("preprocessing  RGB, value = pixel * 0.007843138 - 1.0"), r.out());
        assertTrue(r.out().contains("validation     meanCosineToFloat32 0.9987, validationImages 64"), r.out());
        assertTrue(r.out().contains("inputs         input INT8 [1, 112, 112, 3] scale 0.007843138 zero point -1"),
                r.out());
        assertTrue(r.out().contains("outputs        embedding FLOAT32 [1, 512]"), r.out());
        assertTrue(r.out().contains("operators      QUANTIZE x1, CONV_2D x12, DEPTHWISE_CONV_2D x10 (3 in all)"),
                r.out());
        assertTrue(r.out().contains("tensors        4, constant data 40.0 KiB of 48.8 KiB"), r.out());

        Cli.Result json = Cli.run("artifacts", "inspect", ID, "--json", "--converter-url", converter.url());
        JsonNode both = TrainCommandsTest.parse(json.out());
        assertEquals(ID, both.path("artifact").path("id").asText());
        assertEquals(12, both.path("inspection").path("operatorCounts").path("CONV_2D").asInt());
    }

    @Test
    void downloadWritesTheFileWhenItsDigestMatches(@TempDir Path dir) throws IOException {
        converter.on("GET", "/artifacts/" + ID, StubService.json(200, artifact(ID, Sha256.of(model), model.length,
                true)));
        serveModel(Sha256.of(model));

        Cli.Result r = Cli.run("artifacts", "download", ID, dir.toString(), "--converter-url", converter.url());

        assertEquals(0, r.exitCode(), r.toString());
        Path file = dir.resolve(ID + ".tflite");
        assertArrayEquals(model, Files.readAllBytes(file));
        assertEquals(Sha256.of(model) + "  " + file, r.out().strip());
        assertTrue(r.err().contains("SHA-256 verified"), r.err());
        assertTrue(r.err().contains("download (KiB) 49/49 100%"), r.err());

        Cli.Result again = Cli.run("artifacts", "download", ID, file.toString(), "--force", "--converter-url",
                converter.url());
        assertEquals(0, again.exitCode(), again.toString());
        assertArrayEquals(model, Files.readAllBytes(file));
    }

    @Test
    void aDownloadWhoseBytesDoNotMatchTheMetadataIsNotWritten(@TempDir Path dir) throws IOException {
        String announced = Sha256.of(new byte[]{1, 2, 3});
        converter.on("GET", "/artifacts/" + ID, StubService.json(200, artifact(ID, announced, model.length, true)));
        serveModel(announced); // the header agrees with the metadata; the bytes are damaged on the way

        Path file = dir.resolve("model.tflite");
        Cli.Result r = Cli.run("artifacts", "download", ID, file.toString(), "--converter-url", converter.url());

        assertEquals(ExitCodes.FAILED, r.exitCode(), r.toString());
        assertTrue(r.err().contains("SHA-256 mismatch: the artifact's metadata says " + announced
                + ", the downloaded bytes have " + Sha256.of(model) + "; nothing written"), r.err());
        try (Stream<Path> left = Files.list(dir)) {
            assertEquals(0, left.count(), "neither the file nor a partial file is left");
        }
    }

    @Test
    void downloadDoesNotReplaceAFileUnlessForced(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("model.tflite"), "mine");

        Cli.Result r = Cli.run("artifacts", "download", ID, file.toString(), "--converter-url", converter.url());

        assertEquals(ExitCodes.USAGE, r.exitCode(), r.toString());
        assertTrue(r.err().contains(file + " exists (--force replaces it)"), r.err());
        assertEquals("mine", Files.readString(file));
        assertTrue(converter.requests().isEmpty());
    }

    @Test
    void uploadSendsTheModelWithItsParametersAndDigest(@TempDir Path dir) throws IOException {
        Path file = Files.write(dir.resolve("mine.tflite"), model);
        converter.on("POST", "/artifacts", StubService.json(201, artifact("mf3k9999-abcdef", Sha256.of(model),
                model.length, true)));

        Cli.Result r = Cli.run("artifacts", "upload", file.toString(), "--model-name", "my-faces",
                "--input-size", "112", "--range", "minus-one-to-one", "--color-order", "bgr", "--backbone",
                "ResNet50", "--converter-url", converter.url());

        assertEquals(0, r.exitCode(), r.toString());
        assertEquals("mf3k9999-abcdef", r.out().strip());
        StubService.Request post = converter.only("POST", "/artifacts");
        assertArrayEquals(model, post.body());
        assertEquals("application/octet-stream", post.header("Content-Type"));
        assertEquals(Map.of("modelName", "my-faces", "inputSize", "112", "scale", Float.toString(1f / 127.5f),
                "offset", "-1.0", "sha256", Sha256.of(model), "colorOrder", "BGR", "backbone", "ResNet50",
                "publish", "true"), post.query());
        assertTrue(r.err().contains("published on models.artifacts"), r.err());
    }

    @Test
    void uploadWithScaleAndOffsetAndNoPublish(@TempDir Path dir) throws IOException {
        Path file = Files.write(dir.resolve("mine.tflite"), model);
        converter.on("POST", "/artifacts", StubService.json(201, artifact("mf3k9999-abcdef", Sha256.of(model),
                model.length, false)));

        Cli.Result r = Cli.run("artifacts", "upload", file.toString(), "--model-name", "my-faces",
                "--input-size", "112", "--scale", "0.00392157", "--offset", "0", "--version", "v1", "--no-publish",
                "--converter-url", converter.url());

        assertEquals(0, r.exitCode(), r.toString());
        Map<String, String> q = converter.only("POST", "/artifacts").query();
        assertEquals("0.00392157", q.get("scale"));
        assertEquals("0.0", q.get("offset"));
        assertEquals("v1", q.get("version"));
        assertEquals("false", q.get("publish"));
        assertTrue(r.err().contains("not published: the request asked for publish=false"), r.err());
    }

    @Test
    void aRefusedUploadPrintsTheReason(@TempDir Path dir) throws IOException {
        Path file = Files.write(dir.resolve("mine.tflite"), model);
        converter.on("POST", "/artifacts", StubService.json(400,
                "{\"status\":400,\"message\":\"not a TFLite model: the file has no TFL3 identifier\"}"));

        Cli.Result r = Cli.run("artifacts", "upload", file.toString(), "--model-name", "my-faces",
                "--input-size", "112", "--range", "zero-to-one", "--converter-url", converter.url());

        assertEquals(ExitCodes.FAILED, r.exitCode(), r.toString());
        assertTrue(r.err().contains("converter-service answered 400: not a TFLite model: the file has no TFL3 "
                + "identifier"), r.err());
        assertEquals("", r.out());
    }

    @Test
    void uploadNeedsTheInputNormalisation(@TempDir Path dir) throws IOException {
        Path file = Files.write(dir.resolve("mine.tflite"), model);

        Cli.Result none = Cli.run("artifacts", "upload", file.toString(), "--model-name", "m", "--input-size", "112",
                "--converter-url", converter.url());
        Cli.Result both = Cli.run("artifacts", "upload", file.toString(), "--model-name", "m", "--input-size", "112",
                "--range", "zero-to-one", "--scale", "1", "--offset", "0", "--converter-url", converter.url());
        Cli.Result half = Cli.run("artifacts", "upload", file.toString(), "--model-name", "m", "--input-size", "112",
                "--scale", "1", "--converter-url", converter.url());

        for (Cli.Result r : new Cli.Result[]{none, both, half}) {
            assertEquals(ExitCodes.USAGE, r.exitCode(), r.toString());
            assertTrue(r.err().contains("Usage: facestream artifacts upload"), r.err());
        }
        assertTrue(converter.requests().isEmpty());
        assertFalse(none.err().isBlank());
    }
}
