package io.facestream.model.checkpoint;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.facestream.model.FaceModelSpec;
import io.facestream.model.graph.ModelGraph;
import io.facestream.model.graph.ModelJson;
import io.facestream.model.graph.Shape;

import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

import static io.facestream.model.checkpoint.CheckpointWriter.FORMAT_VERSION;
import static io.facestream.model.checkpoint.CheckpointWriter.MANIFEST_ENTRY;
import static io.facestream.model.checkpoint.CheckpointWriter.WEIGHTS_ENTRY;

/**
 * Reads the file {@link CheckpointWriter} writes and trusts nothing in it: every problem (not a ZIP, truncated,
 * missing or unexpected entries, an entry over its size limit however well it compresses, a CRC mismatch, an
 * unknown format version, a manifest that disagrees with the weights, shapes that do not fit the graph, NaN or
 * infinite values) is a {@link CheckpointFormatException} that says what is wrong.
 * An {@link IOException} means the file could not be read at all (missing, unreadable).
 */
public final class CheckpointReader {

    /** Upper bounds on the uncompressed size of each entry. */
    public record Limits(long maxManifestBytes, long maxWeightsBytes) {
        /** 64 MiB of manifest (the largest graphs' JSON is well under 1 MiB), 4 GiB of weights. */
        public static final Limits DEFAULT = new Limits(64L << 20, 4L << 30);

        public Limits {
            if (maxManifestBytes <= 0 || maxWeightsBytes <= 0) {
                throw new IllegalArgumentException("limits must be positive");
            }
        }
    }

    private static final Set<String> MANIFEST_FIELDS = Set.of("formatVersion", "created", "step", "epoch", "spec",
            "graph", "training", "metrics", "tensors");
    private static final ObjectMapper JSON = new ObjectMapper(JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build());

    private CheckpointReader() {
    }

    public static Checkpoint read(Path file) throws IOException {
        return read(file, Limits.DEFAULT);
    }

    public static Checkpoint read(Path file, Limits limits) throws IOException {
        ZipFile zip;
        try {
            zip = new ZipFile(file.toFile());
        } catch (ZipException e) {
            throw new CheckpointFormatException("not a checkpoint: " + file + " is not a complete ZIP file ("
                    + e.getMessage() + ")", e);
        }
        try (zip) {
            Map<String, ZipEntry> entries = entries(zip);
            byte[] manifestBytes;
            try (InputStream in = verified(zip, entries.get(MANIFEST_ENTRY), limits.maxManifestBytes())) {
                manifestBytes = in.readAllBytes();
            }
            JsonNode manifest = parseJson(manifestBytes);
            checkVersion(manifest);
            Map<String, FloatTensor> tensors;
            try (InputStream in = verified(zip, entries.get(WEIGHTS_ENTRY), limits.maxWeightsBytes())) {
                tensors = SafeTensors.read(in, limits.maxWeightsBytes());
            }
            return build(manifest, tensors);
        } catch (ZipException | EOFException e) {
            throw new CheckpointFormatException("corrupt checkpoint " + file + ": " + e.getMessage(), e);
        }
    }

    private static Map<String, ZipEntry> entries(ZipFile zip) {
        Map<String, ZipEntry> entries = new LinkedHashMap<>();
        for (Enumeration<? extends ZipEntry> e = zip.entries(); e.hasMoreElements(); ) {
            ZipEntry entry = e.nextElement();
            String name = entry.getName();
            if (!name.equals(MANIFEST_ENTRY) && !name.equals(WEIGHTS_ENTRY)) {
                throw new CheckpointFormatException("unexpected entry '" + name + "' in checkpoint (it holds only "
                        + MANIFEST_ENTRY + " and " + WEIGHTS_ENTRY + ")");
            }
            if (entries.put(name, entry) != null) {
                throw new CheckpointFormatException("checkpoint holds " + name + " twice");
            }
        }
        for (String required : List.of(MANIFEST_ENTRY, WEIGHTS_ENTRY)) {
            if (!entries.containsKey(required)) {
                throw new CheckpointFormatException("checkpoint has no " + required);
            }
        }
        return entries;
    }

    /** The entry's bytes, stopped past the limit (declared sizes can lie) and checked against its CRC at the end. */
    private static InputStream verified(ZipFile zip, ZipEntry entry, long limit) throws IOException {
        if (entry.getSize() > limit) {
            throw new CheckpointFormatException(entry.getName() + " is " + entry.getSize()
                    + " bytes, over the limit of " + limit + " bytes");
        }
        return new VerifiedEntry(zip.getInputStream(entry), entry, limit);
    }

    /** Counts and checksums an entry's bytes as they are read; see {@link #verified}. */
    private static final class VerifiedEntry extends FilterInputStream {
        private final ZipEntry entry;
        private final long limit;
        private final CRC32 crc = new CRC32();
        private long count;
        private boolean checked;

        VerifiedEntry(InputStream in, ZipEntry entry, long limit) {
            super(in);
            this.entry = entry;
            this.limit = limit;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n < 0) {
                atEnd();
                return n;
            }
            count += n;
            if (count > limit) {
                throw new CheckpointFormatException(entry.getName() + " expands past the limit of " + limit
                        + " bytes");
            }
            crc.update(b, off, n);
            return n;
        }

        private void atEnd() {
            if (checked) {
                return;
            }
            checked = true;
            if (entry.getSize() >= 0 && count != entry.getSize()) {
                throw new CheckpointFormatException(entry.getName() + " holds " + count
                        + " bytes, its ZIP entry says " + entry.getSize());
            }
            if (entry.getCrc() >= 0 && crc.getValue() != entry.getCrc()) {
                throw new CheckpointFormatException(entry.getName() + " fails its CRC-32 check: the file is "
                        + "corrupt");
            }
        }
    }

    private static JsonNode parseJson(byte[] bytes) {
        JsonNode root;
        try {
            root = JSON.readTree(bytes);
        } catch (IOException e) {
            String reason = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
            throw new CheckpointFormatException(MANIFEST_ENTRY + " is not valid JSON: " + reason, e);
        }
        if (root == null || !root.isObject()) {
            throw new CheckpointFormatException(MANIFEST_ENTRY + " must be a JSON object");
        }
        return root;
    }

    private static void checkVersion(JsonNode manifest) {
        JsonNode version = manifest.get("formatVersion");
        if (version == null || !version.isIntegralNumber()) {
            throw new CheckpointFormatException(MANIFEST_ENTRY + " has no integer formatVersion");
        }
        if (!version.canConvertToInt() || version.intValue() != FORMAT_VERSION) {
            throw new CheckpointFormatException("unsupported checkpoint format version " + version.asText()
                    + "; this reader reads version " + FORMAT_VERSION);
        }
    }

    private static Checkpoint build(JsonNode manifest, Map<String, FloatTensor> tensors) {
        for (Map.Entry<String, JsonNode> field : manifest.properties()) {
            if (!MANIFEST_FIELDS.contains(field.getKey())) {
                throw new CheckpointFormatException(MANIFEST_ENTRY + " has an unknown field '" + field.getKey() + "'");
            }
        }
        Instant created;
        try {
            created = Instant.parse(required(manifest, "created").asText());
        } catch (DateTimeParseException e) {
            throw new CheckpointFormatException(MANIFEST_ENTRY + " created is not an ISO-8601 instant: "
                    + e.getParsedString(), e);
        }
        JsonNode step = required(manifest, "step");
        JsonNode epoch = required(manifest, "epoch");
        if (!step.isIntegralNumber() || !step.canConvertToLong() || !epoch.isIntegralNumber()
                || !epoch.canConvertToInt()) {
            throw new CheckpointFormatException(MANIFEST_ENTRY + " step and epoch must be integers");
        }
        FaceModelSpec spec;
        ModelGraph graph;
        try {
            spec = FaceModelSpec.fromJson(required(manifest, "spec").toString());
        } catch (IllegalArgumentException e) {
            throw new CheckpointFormatException(MANIFEST_ENTRY + " spec: " + e.getMessage(), e);
        }
        try {
            graph = ModelJson.fromJson(required(manifest, "graph").toString());
        } catch (IllegalArgumentException e) {
            throw new CheckpointFormatException(MANIFEST_ENTRY + " graph: " + e.getMessage(), e);
        }
        Map<String, JsonNode> training = new TreeMap<>();
        requiredObject(manifest, "training").properties().forEach(f -> training.put(f.getKey(), f.getValue()));
        Map<String, Double> metrics = new TreeMap<>();
        for (Map.Entry<String, JsonNode> f : requiredObject(manifest, "metrics").properties()) {
            if (!f.getValue().isNumber()) {
                throw new CheckpointFormatException(MANIFEST_ENTRY + " metric " + f.getKey() + " is not a number: "
                        + f.getValue());
            }
            metrics.put(f.getKey(), f.getValue().doubleValue());
        }
        checkIndex(tensorIndex(manifest), tensors);
        try {
            return new Checkpoint(spec, graph, training, metrics, step.longValue(), epoch.intValue(), created,
                    tensors);
        } catch (IllegalArgumentException e) {
            throw new CheckpointFormatException("invalid checkpoint: " + e.getMessage(), e);
        }
    }

    private static Map<String, Shape> tensorIndex(JsonNode manifest) {
        JsonNode list = required(manifest, "tensors");
        if (!list.isArray()) {
            throw new CheckpointFormatException(MANIFEST_ENTRY + " tensors must be an array");
        }
        Map<String, Shape> index = new TreeMap<>();
        for (JsonNode entry : list) {
            JsonNode name = entry.get("name");
            JsonNode dtype = entry.get("dtype");
            JsonNode shape = entry.get("shape");
            if (name == null || !name.isTextual() || shape == null || !shape.isArray()) {
                throw new CheckpointFormatException(MANIFEST_ENTRY + " tensors entries need a name and a shape: "
                        + entry);
            }
            if (dtype == null || !"F32".equals(dtype.asText())) {
                throw new CheckpointFormatException(MANIFEST_ENTRY + " tensor " + name.asText() + " has dtype "
                        + dtype + "; only F32 is supported");
            }
            List<Integer> dims = new ArrayList<>();
            for (JsonNode d : shape) {
                if (!d.isIntegralNumber() || !d.canConvertToInt() || d.intValue() <= 0) {
                    throw new CheckpointFormatException(MANIFEST_ENTRY + " tensor " + name.asText()
                            + " has an invalid shape " + shape);
                }
                dims.add(d.intValue());
            }
            if (index.put(name.asText(), new Shape(dims)) != null) {
                throw new CheckpointFormatException(MANIFEST_ENTRY + " lists tensor " + name.asText() + " twice");
            }
        }
        return index;
    }

    private static void checkIndex(Map<String, Shape> index, Map<String, FloatTensor> tensors) {
        for (Map.Entry<String, Shape> e : index.entrySet()) {
            FloatTensor t = tensors.get(e.getKey());
            if (t == null) {
                throw new CheckpointFormatException(MANIFEST_ENTRY + " lists tensor " + e.getKey() + " that "
                        + WEIGHTS_ENTRY + " does not hold");
            }
            if (!t.shape().equals(e.getValue())) {
                throw new CheckpointFormatException("tensor " + e.getKey() + " is " + e.getValue() + " in "
                        + MANIFEST_ENTRY + " but " + t.shape() + " in " + WEIGHTS_ENTRY);
            }
        }
        for (String name : tensors.keySet()) {
            if (!index.containsKey(name)) {
                throw new CheckpointFormatException(WEIGHTS_ENTRY + " holds tensor " + name + " that "
                        + MANIFEST_ENTRY + " does not list");
            }
        }
    }

    private static JsonNode required(JsonNode manifest, String field) {
        JsonNode n = manifest.get(field);
        if (n == null || n.isNull()) {
            throw new CheckpointFormatException(MANIFEST_ENTRY + " has no '" + field + "'");
        }
        return n;
    }

    private static JsonNode requiredObject(JsonNode manifest, String field) {
        JsonNode n = required(manifest, field);
        if (!n.isObject()) {
            throw new CheckpointFormatException(MANIFEST_ENTRY + " " + field + " must be a JSON object");
        }
        return n;
    }
}
