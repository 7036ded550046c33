package io.facestream.model.checkpoint;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.facestream.model.graph.Shape;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

import static io.facestream.model.checkpoint.CheckpointFixtures.JSON;
import static io.facestream.model.checkpoint.CheckpointFixtures.checkpoint;
import static io.facestream.model.checkpoint.CheckpointFixtures.unzip;
import static io.facestream.model.checkpoint.CheckpointFixtures.zip;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every way a checkpoint file can be wrong ends in a CheckpointFormatException that says how. */
class CheckpointReaderTest {

    @TempDir
    Path dir;

    private Path good;
    private byte[] goodBytes;
    private Map<String, byte[]> entries;

    @BeforeEach
    void writeAGoodCheckpoint() throws IOException {
        good = dir.resolve("good.ckpt");
        CheckpointWriter.write(checkpoint(), good);
        goodBytes = Files.readAllBytes(good);
        entries = unzip(good);
    }

    @Test
    void theUntouchedFileReads() throws IOException {
        assertEquals(checkpoint(), CheckpointReader.read(good));
        // the helpers below rebuild it faithfully
        assertEquals(checkpoint(), CheckpointReader.read(file(zip(entries, false))));
        assertEquals(checkpoint(), CheckpointReader.read(file(zip(entries, true))));
    }

    @Test
    void notAZipFile() throws IOException {
        byte[] noise = new byte[4096];
        new Random(7).nextBytes(noise);
        assertRejected("is not a complete ZIP file", noise);
        assertRejected("is not a complete ZIP file", new byte[0]);
        assertThrows(NoSuchFileException.class, () -> CheckpointReader.read(dir.resolve("absent.ckpt")));
    }

    @Test
    void truncatedFilesAreRejectedWhereverTheyAreCut() throws IOException {
        int[] cuts = {goodBytes.length - 1, goodBytes.length - 22, goodBytes.length - 100, goodBytes.length / 2,
                4000, 100, 30};
        for (int cut : cuts) {
            assertRejected("is not a complete ZIP file", Arrays.copyOf(goodBytes, cut));
        }
    }

    @Test
    void truncatedWeightsInsideAValidZip() throws IOException {
        byte[] weights = entries.get("weights.safetensors");
        entries.put("weights.safetensors", Arrays.copyOf(weights, weights.length - 10));
        assertRejected("safetensors data is truncated: tensor ", zip(entries, false));
        entries.put("weights.safetensors", Arrays.copyOf(weights, 5));
        assertRejected("it ends inside the 8-byte header length", zip(entries, false));
    }

    @Test
    void corruptBytesFailTheCrc() throws IOException {
        byte[] corrupt = goodBytes.clone();
        // a byte inside the stored float data, far from the headers
        corrupt[goodBytes.length / 2] ^= 0x10;
        assertRejected("weights.safetensors fails its CRC-32 check", corrupt);
    }

    @Test
    void unknownFormatVersion() throws IOException {
        editManifest(m -> m.put("formatVersion", 2));
        assertRejected("unsupported checkpoint format version 2; this reader reads version 1", zip(entries, false));
        editManifest(m -> m.remove("formatVersion"));
        assertRejected("manifest.json has no integer formatVersion", zip(entries, false));
    }

    @Test
    void missingAndUnexpectedEntries() throws IOException {
        Map<String, byte[]> onlyWeights = new LinkedHashMap<>(entries);
        onlyWeights.remove("manifest.json");
        assertRejected("checkpoint has no manifest.json", zip(onlyWeights, false));
        Map<String, byte[]> onlyManifest = new LinkedHashMap<>(entries);
        onlyManifest.remove("weights.safetensors");
        assertRejected("checkpoint has no weights.safetensors", zip(onlyManifest, false));
        Map<String, byte[]> extra = new LinkedHashMap<>(entries);
        extra.put("notes.txt", "hello".getBytes(StandardCharsets.UTF_8));
        assertRejected("unexpected entry 'notes.txt' in checkpoint", zip(extra, false));
    }

    @Test
    void duplicateEntries() throws IOException {
        Map<String, byte[]> twice = new LinkedHashMap<>(entries);
        twice.put("manifest.jsoX", entries.get("manifest.json"));
        byte[] bytes = zip(twice, false);
        replaceAll(bytes, "manifest.jsoX", "manifest.json");
        assertRejected("checkpoint holds manifest.json twice", bytes);
    }

    @Test
    void malformedManifest() throws IOException {
        entries.put("manifest.json", "{\"formatVersion\": 1,".getBytes(StandardCharsets.UTF_8));
        assertRejected("manifest.json is not valid JSON", zip(entries, false));
        entries.put("manifest.json", "[1]".getBytes(StandardCharsets.UTF_8));
        assertRejected("manifest.json must be a JSON object", zip(entries, false));
    }

    @Test
    void manifestFieldsAreChecked() throws IOException {
        Map<String, byte[]> original = new LinkedHashMap<>(entries);
        editManifest(m -> m.remove("graph"));
        assertRejected("manifest.json has no 'graph'", zip(entries, false));

        entries = new LinkedHashMap<>(original);
        editManifest(m -> m.put("comment", "x"));
        assertRejected("manifest.json has an unknown field 'comment'", zip(entries, false));

        entries = new LinkedHashMap<>(original);
        editManifest(m -> ((ObjectNode) m.get("spec")).put("backboneType", "NoSuchNet"));
        assertRejected("manifest.json spec: not a valid face model spec: unknown backbone 'NoSuchNet'",
                zip(entries, false));

        entries = new LinkedHashMap<>(original);
        editManifest(m -> ((ObjectNode) m.get("graph")).put("output", "nowhere"));
        assertRejected("manifest.json graph: ", zip(entries, false));

        entries = new LinkedHashMap<>(original);
        editManifest(m -> m.put("created", "yesterday"));
        assertRejected("manifest.json created is not an ISO-8601 instant: yesterday", zip(entries, false));

        entries = new LinkedHashMap<>(original);
        editManifest(m -> ((ObjectNode) m.get("metrics")).put("loss", "low"));
        assertRejected("manifest.json metric loss is not a number", zip(entries, false));
    }

    @Test
    void manifestIndexMustMatchTheWeights() throws IOException {
        Map<String, FloatTensor> tensors = readWeights();
        tensors.put("OutputLayer_dense/bias", FloatTensor.zeros(Shape.of(15)));
        writeWeights(tensors);
        assertRejected("tensor OutputLayer_dense/bias is [16] in manifest.json but [15] in weights.safetensors",
                zip(entries, false));

        tensors.remove("OutputLayer_dense/bias");
        writeWeights(tensors);
        assertRejected("manifest.json lists tensor OutputLayer_dense/bias that weights.safetensors does not hold",
                zip(entries, false));
    }

    @Test
    void shapesMustFitTheGraph() throws IOException {
        Map<String, FloatTensor> tensors = readWeights();
        tensors.put("OutputLayer_dense/bias", FloatTensor.zeros(Shape.of(15)));
        writeWeights(tensors);
        reindex(tensors);
        assertRejected("invalid checkpoint: tensor OutputLayer_dense/bias has shape [15], the model expects [16]",
                zip(entries, false));

        tensors.put("OutputLayer_dense/bias", FloatTensor.zeros(Shape.of(16)));
        tensors.remove("head/t");
        writeWeights(tensors);
        reindex(tensors);
        assertRejected("invalid checkpoint: missing tensor head/t [1]", zip(entries, false));
    }

    @Test
    void nonFiniteValuesAreRejected() throws IOException {
        Map<String, FloatTensor> tensors = readWeights();
        tensors.get("head/kernel").data()[5] = Float.NaN;
        writeWeights(tensors);
        assertRejected("tensor head/kernel holds NaN at index 5", zip(entries, false));

        tensors.get("head/kernel").data()[5] = 0f;
        tensors.get("optimizer/OutputLayer_dense/kernel/momentum").data()[3] = Float.NEGATIVE_INFINITY;
        writeWeights(tensors);
        assertRejected("tensor optimizer/OutputLayer_dense/kernel/momentum holds -Infinity at index 3",
                zip(entries, false));
    }

    @Test
    void oversizedEntriesAreRejectedBeforeTheyAreRead() throws IOException {
        Path file = file(goodBytes);
        CheckpointFormatException e = assertThrows(CheckpointFormatException.class,
                () -> CheckpointReader.read(file, new CheckpointReader.Limits(1 << 20, 1000)));
        assertTrue(e.getMessage().contains("weights.safetensors is " + entries.get("weights.safetensors").length
                + " bytes, over the limit of 1000 bytes"), e.getMessage());
    }

    @Test
    void zipBombsStopAtTheLimit() throws IOException {
        // a manifest padded with 8 MiB of spaces: valid JSON, deflates to a few kilobytes
        byte[] manifest = entries.get("manifest.json");
        byte[] bomb = Arrays.copyOf(manifest, manifest.length + (8 << 20));
        Arrays.fill(bomb, manifest.length, bomb.length, (byte) ' ');
        entries.put("manifest.json", bomb);
        byte[] honest = zip(entries, true);
        assertTrue(honest.length < goodBytes.length + (64 << 10), "the bomb compresses: " + honest.length);
        CheckpointReader.Limits limits = new CheckpointReader.Limits(1 << 20, 1L << 30);
        assertRejected("manifest.json is " + bomb.length + " bytes, over the limit of 1048576 bytes", honest, limits);

        // the same bomb whose central directory claims 100 bytes: the limit still stops it while inflating
        byte[] lying = honest.clone();
        setCentralDirectorySize(lying, "manifest.json", 100);
        assertRejected("manifest.json expands past the limit of 1048576 bytes", lying, limits);
    }

    private interface ManifestEdit {
        void apply(ObjectNode manifest);
    }

    private void editManifest(ManifestEdit edit) throws IOException {
        ObjectNode manifest = (ObjectNode) JSON.readTree(entries.get("manifest.json"));
        edit.apply(manifest);
        entries.put("manifest.json", JSON.writeValueAsBytes(manifest));
    }

    private Map<String, FloatTensor> readWeights() throws IOException {
        return new LinkedHashMap<>(SafeTensors.read(new ByteArrayInputStream(entries.get("weights.safetensors")),
                Long.MAX_VALUE));
    }

    private void writeWeights(Map<String, FloatTensor> tensors) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        SafeTensors.write(tensors, out);
        entries.put("weights.safetensors", out.toByteArray());
    }

    /** Rewrites the manifest's tensor index to match these tensors. */
    private void reindex(Map<String, FloatTensor> tensors) throws IOException {
        editManifest(m -> {
            ArrayNode index = m.putArray("tensors");
            tensors.forEach((name, t) -> {
                ObjectNode e = index.addObject().put("name", name).put("dtype", "F32");
                t.shape().dims().forEach(e.putArray("shape")::add);
            });
        });
    }

    private Path file(byte[] bytes) throws IOException {
        Path file = Files.createTempFile(dir, "case", ".ckpt");
        Files.write(file, bytes);
        return file;
    }

    private void assertRejected(String reason, byte[] bytes) throws IOException {
        assertRejected(reason, bytes, CheckpointReader.Limits.DEFAULT);
    }

    private void assertRejected(String reason, byte[] bytes, CheckpointReader.Limits limits) throws IOException {
        Path file = file(bytes);
        CheckpointFormatException e = assertThrows(CheckpointFormatException.class,
                () -> CheckpointReader.read(file, limits));
        assertTrue(e.getMessage().contains(reason), "expected '" + reason + "' in: " + e.getMessage());
    }

    private static void replaceAll(byte[] bytes, String from, String to) {
        byte[] f = from.getBytes(StandardCharsets.US_ASCII);
        byte[] t = to.getBytes(StandardCharsets.US_ASCII);
        int replaced = 0;
        for (int i = 0; i + f.length <= bytes.length; i++) {
            if (Arrays.equals(bytes, i, i + f.length, f, 0, f.length)) {
                System.arraycopy(t, 0, bytes, i, t.length);
                replaced++;
            }
        }
        assertTrue(replaced >= 2, "the name is in the local header and the central directory");
    }

    /** Overwrites the uncompressed size that the central directory records for an entry. */
    private static void setCentralDirectorySize(byte[] zip, String name, int size) {
        ByteBuffer b = ByteBuffer.wrap(zip).order(ByteOrder.LITTLE_ENDIAN);
        byte[] wanted = name.getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i + 46 <= zip.length; i++) {
            if (b.getInt(i) == 0x02014b50) {
                int nameLength = b.getShort(i + 28) & 0xffff;
                if (nameLength == wanted.length && Arrays.equals(zip, i + 46, i + 46 + nameLength, wanted, 0,
                        nameLength)) {
                    b.putInt(i + 24, size);
                    return;
                }
            }
        }
        throw new AssertionError("no central directory entry " + name);
    }
}
