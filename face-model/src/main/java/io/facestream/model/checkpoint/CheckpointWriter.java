package io.facestream.model.checkpoint;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.facestream.model.graph.ModelJson;

import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.LocalDateTime;
import java.util.zip.CRC32;
import java.util.zip.CheckedOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Writes a {@link Checkpoint} as one ZIP file holding two entries, both stored uncompressed (float weights barely
 * compress, and stored entries make the bytes independent of the zlib build):
 * <ul>
 *   <li>{@value #MANIFEST_ENTRY}: {"formatVersion": 1, "created": ISO-8601 instant, "step", "epoch",
 *       "spec": the FaceModelSpec JSON, "graph": the ModelGraph JSON, "training": {name: JSON},
 *       "metrics": {name: number}, "tensors": [{"name", "dtype": "F32", "shape"}, ...] sorted by name};</li>
 *   <li>{@value #WEIGHTS_ENTRY}: every tensor in the {@link SafeTensors} layout.</li>
 * </ul>
 * The output is deterministic: the same checkpoint gives the same bytes (fixed entry times, sorted names, compact
 * JSON), so its SHA-256 identifies the content.
 */
public final class CheckpointWriter {

    public static final int FORMAT_VERSION = 1;
    public static final String MANIFEST_ENTRY = "manifest.json";
    public static final String WEIGHTS_ENTRY = "weights.safetensors";
    /** Every entry's modification time, the DOS epoch, so that the bytes do not depend on when they were written. */
    static final LocalDateTime ENTRY_TIME = LocalDateTime.of(1980, 1, 1, 0, 0);

    private static final ObjectMapper JSON = new ObjectMapper();

    private CheckpointWriter() {
    }

    /** Writes to a sibling temporary file and moves it into place, so readers never see a partial file. */
    public static void write(Checkpoint checkpoint, Path file) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16)) {
                write(checkpoint, out);
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Writes the ZIP to the stream, which stays open. */
    public static void write(Checkpoint checkpoint, OutputStream out) throws IOException {
        ZipOutputStream zip = new ZipOutputStream(new KeepOpen(out));
        byte[] manifest = JSON.writeValueAsBytes(manifest(checkpoint));
        CRC32 manifestCrc = new CRC32();
        manifestCrc.update(manifest);
        zip.putNextEntry(storedEntry(MANIFEST_ENTRY, manifest.length, manifestCrc.getValue()));
        zip.write(manifest);
        zip.closeEntry();

        // a stored entry needs its size and CRC up front: one pass to measure, one to write
        CRC32 weightsCrc = new CRC32();
        long weightsSize = SafeTensors.write(checkpoint.tensors(),
                new CheckedOutputStream(OutputStream.nullOutputStream(), weightsCrc));
        zip.putNextEntry(storedEntry(WEIGHTS_ENTRY, weightsSize, weightsCrc.getValue()));
        SafeTensors.write(checkpoint.tensors(), zip);
        zip.closeEntry();
        zip.close();
    }

    static ObjectNode manifest(Checkpoint c) throws IOException {
        ObjectNode m = JSON.createObjectNode();
        m.put("formatVersion", FORMAT_VERSION);
        m.put("created", c.created().toString());
        m.put("step", c.step());
        m.put("epoch", c.epoch());
        m.set("spec", JSON.readTree(c.spec().toJson()));
        m.set("graph", JSON.readTree(ModelJson.toJson(c.graph())));
        ObjectNode training = m.putObject("training");
        c.training().forEach(training::set);
        ObjectNode metrics = m.putObject("metrics");
        c.metrics().forEach(metrics::put);
        ArrayNode tensors = m.putArray("tensors");
        c.tensors().forEach((name, t) -> {
            ObjectNode entry = tensors.addObject();
            entry.put("name", name);
            entry.put("dtype", "F32");
            ArrayNode shape = entry.putArray("shape");
            t.shape().dims().forEach(shape::add);
        });
        return m;
    }

    /** Lets the ZIP stream be closed (releasing its deflater) without closing the caller's stream. */
    private static final class KeepOpen extends FilterOutputStream {
        KeepOpen(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }

    private static ZipEntry storedEntry(String name, long size, long crc) {
        ZipEntry e = new ZipEntry(name);
        e.setMethod(ZipEntry.STORED);
        e.setSize(size);
        e.setCompressedSize(size);
        e.setCrc(crc);
        e.setTimeLocal(ENTRY_TIME);
        return e;
    }
}
