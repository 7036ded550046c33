package io.facestream.model.checkpoint;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.facestream.model.graph.Shape;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The safetensors layout, float32 only: an unsigned 64-bit little-endian header length N, N bytes of UTF-8 JSON
 * {@code {"name": {"dtype": "F32", "shape": [...], "data_offsets": [begin, end]}, ...}} (an optional
 * "__metadata__" object of strings is allowed and ignored), then the tensors' little-endian bytes, offsets counted
 * from the end of the header. The tensors tile the data exactly, with no gap, overlap or trailing byte.
 * Written deterministically: tensors sorted by name, the header padded with spaces to a multiple of 8 bytes.
 */
public final class SafeTensors {

    /** The largest header accepted, as the reference implementation's limit. */
    public static final long MAX_HEADER_BYTES = 100_000_000;

    private static final String METADATA = "__metadata__";
    private static final int CHUNK_FLOATS = 16_384;
    private static final ObjectMapper JSON = new ObjectMapper(JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build());

    private SafeTensors() {
    }

    /** Writes the tensors and returns the number of bytes written. The stream is not closed. */
    public static long write(Map<String, FloatTensor> tensors, OutputStream out) throws IOException {
        Map<String, FloatTensor> sorted = new TreeMap<>(tensors);
        ObjectNode header = JSON.createObjectNode();
        long offset = 0;
        for (Map.Entry<String, FloatTensor> e : sorted.entrySet()) {
            if (e.getKey().isEmpty() || e.getKey().equals(METADATA)) {
                throw new IllegalArgumentException("invalid tensor name '" + e.getKey() + "'");
            }
            ObjectNode entry = header.putObject(e.getKey());
            entry.put("dtype", "F32");
            ArrayNode shape = entry.putArray("shape");
            e.getValue().shape().dims().forEach(shape::add);
            long end = offset + 4L * e.getValue().data().length;
            entry.putArray("data_offsets").add(offset).add(end);
            offset = end;
        }
        byte[] json = JSON.writeValueAsBytes(header);
        int padded = (json.length + 7) / 8 * 8;
        ByteBuffer length = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded);
        out.write(length.array());
        out.write(json);
        byte[] spaces = new byte[padded - json.length];
        Arrays.fill(spaces, (byte) ' ');
        out.write(spaces);
        byte[] buf = new byte[CHUNK_FLOATS * 4];
        for (FloatTensor t : sorted.values()) {
            float[] data = t.data();
            for (int pos = 0; pos < data.length; pos += CHUNK_FLOATS) {
                int n = Math.min(CHUNK_FLOATS, data.length - pos);
                ByteBuffer.wrap(buf).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().put(data, pos, n);
                out.write(buf, 0, n * 4);
            }
        }
        return 8L + padded + offset;
    }

    /**
     * Reads tensors written in the safetensors layout, consuming the stream to its end.
     *
     * @param maxBytes the most bytes the whole layout may take; checked against the header before any tensor is
     *                 allocated
     * @throws CheckpointFormatException when the bytes are malformed, truncated, not F32 or over the limit
     */
    public static Map<String, FloatTensor> read(InputStream in, long maxBytes) throws IOException {
        byte[] lengthBytes = readExactly(in, 8, "the 8-byte header length");
        long headerLength = ByteBuffer.wrap(lengthBytes).order(ByteOrder.LITTLE_ENDIAN).getLong();
        if (headerLength <= 0 || headerLength > MAX_HEADER_BYTES || headerLength > maxBytes - 8) {
            throw new CheckpointFormatException("safetensors header length " + Long.toUnsignedString(headerLength)
                    + " is not in 1.." + Math.min(MAX_HEADER_BYTES, maxBytes - 8));
        }
        byte[] headerBytes = readExactly(in, (int) headerLength, "the " + headerLength + "-byte header");
        List<Entry> entries = parseHeader(headerBytes);

        long expectedBegin = 0;
        for (Entry e : entries) {
            if (e.begin != expectedBegin) {
                throw new CheckpointFormatException("safetensors tensor " + e.name + " starts at byte " + e.begin
                        + " of the data, expected " + expectedBegin
                        + ": tensors must tile the data without gaps or overlaps");
            }
            expectedBegin = e.end;
        }
        long total = 8 + headerLength + expectedBegin;
        if (total > maxBytes) {
            throw new CheckpointFormatException("safetensors data of " + total + " bytes is over the limit of "
                    + maxBytes + " bytes");
        }

        Map<String, FloatTensor> tensors = new LinkedHashMap<>();
        byte[] buf = new byte[CHUNK_FLOATS * 4];
        for (Entry e : entries) {
            float[] data = new float[Math.toIntExact(e.shape.elementCount())];
            for (int pos = 0; pos < data.length; pos += CHUNK_FLOATS) {
                int n = Math.min(CHUNK_FLOATS, data.length - pos);
                int got = readFully(in, buf, n * 4);
                if (got < n * 4) {
                    throw new CheckpointFormatException("safetensors data is truncated: tensor " + e.name
                            + " needs bytes " + e.begin + ".." + e.end + " of the data, it ends at byte "
                            + (e.begin + 4L * pos + got));
                }
                ByteBuffer.wrap(buf, 0, n * 4).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(data, pos, n);
            }
            tensors.put(e.name, new FloatTensor(e.shape, data));
        }
        if (in.read() != -1) {
            throw new CheckpointFormatException("safetensors data has bytes after the last tensor (it should end at "
                    + "byte " + expectedBegin + " of the data)");
        }
        return tensors;
    }

    private record Entry(String name, Shape shape, long begin, long end) {
    }

    private static List<Entry> parseHeader(byte[] headerBytes) {
        JsonNode root;
        try {
            root = JSON.readTree(headerBytes);
        } catch (IOException e) {
            String reason = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
            throw new CheckpointFormatException("safetensors header is not valid JSON: " + reason, e);
        }
        if (root == null || !root.isObject()) {
            throw new CheckpointFormatException("safetensors header must be a JSON object");
        }
        List<Entry> entries = new ArrayList<>();
        for (Map.Entry<String, JsonNode> field : root.properties()) {
            String name = field.getKey();
            JsonNode node = field.getValue();
            if (name.equals(METADATA)) {
                checkMetadata(node);
                continue;
            }
            entries.add(parseEntry(name, node));
        }
        entries.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        return entries;
    }

    private static Entry parseEntry(String name, JsonNode node) {
        String where = "safetensors tensor " + name;
        if (name.isEmpty()) {
            throw new CheckpointFormatException("safetensors header has a tensor with an empty name");
        }
        if (!node.isObject()) {
            throw new CheckpointFormatException(where + " must be a JSON object");
        }
        for (Map.Entry<String, JsonNode> property : node.properties()) {
            String f = property.getKey();
            if (!f.equals("dtype") && !f.equals("shape") && !f.equals("data_offsets")) {
                throw new CheckpointFormatException(where + " has an unknown field '" + f + "'");
            }
        }
        JsonNode dtype = node.get("dtype");
        if (dtype == null || !dtype.isTextual()) {
            throw new CheckpointFormatException(where + " has no dtype");
        }
        if (!dtype.asText().equals("F32")) {
            throw new CheckpointFormatException(where + " has dtype " + dtype.asText() + "; only F32 is supported");
        }
        JsonNode shapeNode = node.get("shape");
        if (shapeNode == null || !shapeNode.isArray()) {
            throw new CheckpointFormatException(where + " has no shape array");
        }
        List<Integer> dims = new ArrayList<>();
        for (JsonNode d : shapeNode) {
            if (!d.isIntegralNumber() || !d.canConvertToInt()) {
                throw new CheckpointFormatException(where + " has a shape entry that is not an integer: " + d);
            }
            dims.add(d.intValue());
        }
        Shape shape;
        try {
            shape = new Shape(dims);
        } catch (IllegalArgumentException e) {
            throw new CheckpointFormatException(where + ": " + e.getMessage(), e);
        }
        if (shape.elementCount() > Integer.MAX_VALUE - 8) {
            throw new CheckpointFormatException(where + " has " + shape.elementCount()
                    + " values, more than one array holds");
        }
        JsonNode offsets = node.get("data_offsets");
        if (offsets == null || !offsets.isArray() || offsets.size() != 2
                || !isNonNegativeLong(offsets.get(0)) || !isNonNegativeLong(offsets.get(1))) {
            throw new CheckpointFormatException(where + " needs data_offsets [begin, end] of non-negative integers");
        }
        long begin = offsets.get(0).longValue();
        long end = offsets.get(1).longValue();
        if (end - begin != 4 * shape.elementCount()) {
            throw new CheckpointFormatException(where + " has data_offsets [" + begin + ", " + end + "] ("
                    + (end - begin) + " bytes) but shape " + shape + " needs " + 4 * shape.elementCount() + " bytes");
        }
        return new Entry(name, shape, begin, end);
    }

    private static boolean isNonNegativeLong(JsonNode n) {
        return n.isIntegralNumber() && n.canConvertToLong() && n.longValue() >= 0;
    }

    private static void checkMetadata(JsonNode node) {
        if (!node.isObject()) {
            throw new CheckpointFormatException("safetensors __metadata__ must be an object of strings");
        }
        for (JsonNode v : node) {
            if (!v.isTextual()) {
                throw new CheckpointFormatException("safetensors __metadata__ must be an object of strings");
            }
        }
    }

    private static byte[] readExactly(InputStream in, int n, String what) throws IOException {
        byte[] b = new byte[n];
        int got = readFully(in, b, n);
        if (got < n) {
            throw new CheckpointFormatException("safetensors data is truncated: it ends inside " + what);
        }
        return b;
    }

    /** Reads up to n bytes; fewer only at the end of the stream. */
    private static int readFully(InputStream in, byte[] b, int n) throws IOException {
        int got = 0;
        while (got < n) {
            int r = in.read(b, got, n - got);
            if (r < 0) {
                break;
            }
            got += r;
        }
        return got;
    }
}
