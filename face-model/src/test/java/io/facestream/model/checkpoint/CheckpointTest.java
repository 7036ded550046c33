package io.facestream.model.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import io.facestream.model.FaceModelSpec;
import io.facestream.model.graph.ModelGraph;
import io.facestream.model.graph.Shape;
import io.facestream.model.head.HeadConfig;
import io.facestream.model.head.HeadType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import static io.facestream.model.checkpoint.CheckpointFixtures.CREATED;
import static io.facestream.model.checkpoint.CheckpointFixtures.JSON;
import static io.facestream.model.checkpoint.CheckpointFixtures.checkpoint;
import static io.facestream.model.checkpoint.CheckpointFixtures.spec;
import static io.facestream.model.checkpoint.CheckpointFixtures.tensors;
import static io.facestream.model.checkpoint.CheckpointFixtures.training;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CheckpointTest {

    @TempDir
    Path dir;

    @Test
    void roundTripIsBitExact() throws IOException {
        Checkpoint original = checkpoint();
        Path file = dir.resolve("model.ckpt");
        CheckpointWriter.write(original, file);
        Checkpoint back = CheckpointReader.read(file);

        assertEquals(original.spec(), back.spec());
        assertEquals(original.graph(), back.graph());
        assertEquals(original.training(), back.training());
        assertEquals(original.metrics(), back.metrics());
        assertEquals(1234, back.step());
        assertEquals(3, back.epoch());
        assertEquals(CREATED, back.created());
        assertEquals(original.tensors().keySet(), back.tensors().keySet());
        for (String name : original.tensors().keySet()) {
            float[] a = original.tensors().get(name).data();
            float[] b = back.tensors().get(name).data();
            assertEquals(a.length, b.length, name);
            for (int i = 0; i < a.length; i++) {
                if (Float.floatToRawIntBits(a[i]) != Float.floatToRawIntBits(b[i])) {
                    throw new AssertionError(name + "[" + i + "]: " + a[i] + " came back as " + b[i]);
                }
            }
        }
        assertEquals(original, back);
        assertEquals(Float.floatToRawIntBits(-0.0f),
                Float.floatToRawIntBits(back.tensors().get("OutputLayer_dense/bias").data()[0]));
    }

    @Test
    void fileHoldsTheManifestAndTheWeightsStoredWithFixedTimes() throws IOException {
        Checkpoint c = checkpoint();
        Path file = dir.resolve("model.ckpt");
        CheckpointWriter.write(c, file);
        List<String> names = new ArrayList<>();
        try (ZipFile zip = new ZipFile(file.toFile())) {
            for (ZipEntry e : Collections.list(zip.entries())) {
                names.add(e.getName());
                assertEquals(ZipEntry.STORED, e.getMethod(), e.getName());
                assertEquals(LocalDateTime.of(1980, 1, 1, 0, 0), e.getTimeLocal(), e.getName());
            }
        }
        assertEquals(List.of("manifest.json", "weights.safetensors"), names);

        JsonNode manifest = JSON.readTree(CheckpointFixtures.unzip(file).get("manifest.json"));
        assertEquals(1, manifest.get("formatVersion").intValue());
        assertEquals("2025-03-01T12:00:00.123456789Z", manifest.get("created").asText());
        assertEquals("MobileNetV2", manifest.get("spec").get("backboneType").asText());
        assertEquals("CURRICULARFACE", manifest.get("spec").get("head").get("type").asText());
        assertEquals("OutputLayer_output_batch_norm_2", manifest.get("graph").get("output").asText());
        assertEquals(0.93125, manifest.get("metrics").get("lfw_accuracy").doubleValue());
        assertEquals(40000, manifest.get("training").get("schedule").get("boundaries").get(0).intValue());
        JsonNode index = manifest.get("tensors");
        assertEquals(c.tensors().size(), index.size());
        List<String> indexed = new ArrayList<>();
        index.forEach(t -> indexed.add(t.get("name").asText()));
        assertEquals(new ArrayList<>(c.tensors().keySet()), indexed, "index sorted by name");
        assertTrue(indexed.containsAll(List.of("head/kernel", "head/t", "optimizer/iterations")));
        JsonNode kernel = index.get(indexed.indexOf("head/kernel"));
        assertEquals("F32", kernel.get("dtype").asText());
        assertEquals("[16,10]", kernel.get("shape").toString());
    }

    @Test
    void identicalContentGivesIdenticalBytesAndDigest() throws IOException {
        Checkpoint c = checkpoint();
        Path a = dir.resolve("a.ckpt");
        Path b = dir.resolve("b.ckpt");
        CheckpointWriter.write(c, a);
        CheckpointWriter.write(c, b);
        assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b));
        assertEquals(Checkpoint.sha256(a), Checkpoint.sha256(b));

        // the same content built afresh, maps filled in reverse order
        Map<String, FloatTensor> reversed = new LinkedHashMap<>();
        List<String> names = new ArrayList<>(c.tensors().keySet());
        Collections.reverse(names);
        names.forEach(n -> reversed.put(n, new FloatTensor(c.tensors().get(n).shape(),
                c.tensors().get(n).data().clone())));
        Checkpoint rebuilt = new Checkpoint(FaceModelSpec.fromJson(c.spec().toJson()), c.spec().embeddingGraph(),
                training(), Map.of("lfw_accuracy", 0.93125, "loss", 12.5), 1234, 3, CREATED, reversed);
        Path r = dir.resolve("rebuilt.ckpt");
        CheckpointWriter.write(rebuilt, r);
        assertEquals(Checkpoint.sha256(a), Checkpoint.sha256(r));

        Checkpoint later = new Checkpoint(c.spec(), c.graph(), c.training(), c.metrics(), 1235, 3, CREATED,
                c.tensors());
        Path l = dir.resolve("later.ckpt");
        CheckpointWriter.write(later, l);
        assertNotEquals(Checkpoint.sha256(a), Checkpoint.sha256(l));
    }

    @Test
    void sha256IsLowerCaseHexOfTheFileBytes() throws IOException {
        Path file = dir.resolve("abc");
        Files.write(file, "abc".getBytes(StandardCharsets.US_ASCII));
        assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", Checkpoint.sha256(file));
    }

    @Test
    void writingReplacesAnOldFileAndLeavesNoTemporary() throws IOException {
        Path file = dir.resolve("model.ckpt");
        Files.writeString(file, "old");
        CheckpointWriter.write(checkpoint(), file);
        assertEquals(1234, CheckpointReader.read(file).step());
        try (var listing = Files.list(dir)) {
            assertEquals(List.of(file), listing.toList());
        }
    }

    @Test
    void everyHeadsWeightsAreRequired() {
        FaceModelSpec base = spec();
        for (HeadType type : HeadType.values()) {
            FaceModelSpec spec = new FaceModelSpec(base.backboneType(), base.alpha(), base.inputSize(),
                    base.embeddingSize(), base.dropout(), base.weightDecay(), HeadConfig.defaults(type, 10), null);
            ModelGraph graph = spec.embeddingGraph();
            Map<String, FloatTensor> tensors = tensors(spec, graph, 1);
            new Checkpoint(spec, graph, Map.of(), Map.of(), 0, 0, CREATED, tensors);
            tensors.remove("head/kernel");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new Checkpoint(spec, graph, Map.of(), Map.of(), 0, 0, CREATED, tensors));
            assertEquals("missing tensor head/kernel [16, 10]", e.getMessage(), type.name());
        }
    }

    @Test
    void inconsistentContentIsRefusedBeforeWriting() {
        Checkpoint c = checkpoint();
        Map<String, FloatTensor> wrongShape = new LinkedHashMap<>(c.tensors());
        wrongShape.put("OutputLayer_dense/bias", FloatTensor.zeros(Shape.of(15)));
        assertMessage("tensor OutputLayer_dense/bias has shape [15], the model expects [16]",
                () -> withTensors(c, wrongShape));

        Map<String, FloatTensor> stray = new LinkedHashMap<>(c.tensors());
        stray.put("extra/w", FloatTensor.zeros(Shape.of(1)));
        assertMessage("unexpected tensor extra/w: neither a weight of the model nor an optimizer slot",
                () -> withTensors(c, stray));

        Map<String, FloatTensor> diverged = new LinkedHashMap<>(c.tensors());
        float[] nan = c.tensors().get("head/kernel").data().clone();
        nan[7] = Float.NaN;
        diverged.put("head/kernel", new FloatTensor(Shape.of(16, 10), nan));
        assertMessage("tensor head/kernel holds NaN at index 7: weights must be finite", () -> withTensors(c, diverged));

        assertMessage("metric loss must have a finite value, got Infinity", () -> new Checkpoint(c.spec(), c.graph(),
                c.training(), Map.of("loss", Double.POSITIVE_INFINITY), 0, 0, CREATED, c.tensors()));
        assertMessage("step and epoch must not be negative", () -> new Checkpoint(c.spec(), c.graph(),
                c.training(), c.metrics(), -1, 0, CREATED, c.tensors()));
        FaceModelSpec wider = new FaceModelSpec("MobileNetV2", 0.35, 32, 32, 0.5, 5e-4, c.spec().head(), null);
        assertMessage("graph output [32] does not match the spec's embeddingSize 16", () -> new Checkpoint(c.spec(),
                wider.embeddingGraph(), c.training(), c.metrics(), 0, 0, CREATED, c.tensors()));
    }

    private static Checkpoint withTensors(Checkpoint c, Map<String, FloatTensor> tensors) {
        return new Checkpoint(c.spec(), c.graph(), c.training(), c.metrics(), c.step(), c.epoch(), c.created(),
                tensors);
    }

    private static void assertMessage(String expectedPart, org.junit.jupiter.api.function.Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(expectedPart), "message was: " + e.getMessage());
        assertFalse(e instanceof CheckpointFormatException, "content errors are plain IllegalArgumentExceptions");
    }
}
