package io.facestream.kafka.testing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * The one corpus of bad inputs every service's tests run through their REST endpoints and Kafka consumers. Every
 * item is generated here at test time (no binary fixtures): broken images, malformed JSON, broken envelopes,
 * unusable vectors, tampered model files, names that try to leave a folder, oversize bodies. Each item carries its
 * kind name, which is its {@code toString}, so a parameterised test reports which one failed.
 * <p>
 * Items that damage a well-formed message or model take the well-formed original from the caller (the envelope
 * encoder, a good record's metadata, a good model), so the damage is the only thing wrong with them and this module
 * needs none of the libraries it tests.
 */
public final class BadInputCorpus {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** A value of the wrong type for every metadata field that is not a list (a list field gets a string). */
    private static final String WRONG_TYPE_VALUE = "[1, 2]";

    /**
     * One bad input.
     *
     * @param kind           the kind's name, unique in its group; the parameterised tests' display name
     * @param bytes          the bytes to send
     * @param contentType    the content type the sender claims for them
     * @param declaredSha256 the SHA-256 the sender announces with them: their own, except for tampered bytes
     * @param flaw           what is wrong, in words
     */
    public record Item(String kind, byte[] bytes, String contentType, String declaredSha256, String flaw) {

        public Item(String kind, byte[] bytes, String contentType, String flaw) {
            this(kind, bytes, contentType, sha256(bytes), flaw);
        }

        /** The bytes as UTF-8 text (names, JSON bodies). */
        public String text() {
            return new String(bytes, StandardCharsets.UTF_8);
        }

        @Override
        public String toString() {
            return kind;
        }
    }

    private BadInputCorpus() {
    }

    // ---- images ----

    /** A small well-formed JPEG (a smooth gradient): the original the damaged images are made from. */
    public static byte[] goodJpeg() {
        return encode(gradient(80, 80), "jpg");
    }

    /** A small well-formed PNG. */
    public static byte[] goodPng() {
        return encode(gradient(40, 40), "png");
    }

    /**
     * Images no decoder should accept, with the content type a sender would claim: empty, truncated, corrupt, random
     * bytes, text, a JPEG whose header announces 65,500 x 65,500 pixels, a real PNG decompression bomb (30,000 x
     * 30,000 pixels deflated to about 110 KB), an unsupported content type, raw RGB of the wrong size.
     */
    public static List<Item> images() {
        byte[] jpeg = goodJpeg();
        byte[] png = goodPng();
        return List.of(
                new Item("empty-image", new byte[0], "image/jpeg", "no bytes at all"),
                new Item("truncated-jpeg", Arrays.copyOf(jpeg, jpeg.length / 2), "image/jpeg",
                        "a JPEG cut in the middle of its image data"),
                new Item("truncated-png", Arrays.copyOf(png, png.length / 2), "image/png",
                        "a PNG cut in the middle of its IDAT chunk"),
                new Item("header-only-jpeg", Arrays.copyOf(jpeg, 20), "image/jpeg",
                        "the first 20 bytes of a JPEG: markers, no frame"),
                new Item("corrupt-jpeg", corruptJpeg(jpeg), "image/jpeg",
                        "an invalid marker inside the entropy-coded data"),
                new Item("random-bytes-as-jpeg", random(4096, 1), "image/jpeg", "random bytes labelled image/jpeg"),
                new Item("text-as-png", "<html><body>not an image</body></html>".getBytes(StandardCharsets.UTF_8),
                        "image/png", "HTML labelled image/png"),
                new Item("huge-dimension-jpeg", withJpegSize(jpeg, 65_500, 65_500), "image/jpeg",
                        "a JPEG whose frame header announces 65,500 x 65,500 pixels (4.3 gigapixels)"),
                new Item("png-decompression-bomb", pngBomb(30_000, 30_000), "image/png",
                        "a valid PNG of 30,000 x 30,000 grey pixels (900 megapixels) deflated to a small file"),
                new Item("unsupported-content-type", jpeg, "image/gif", "a JPEG sent as image/gif"),
                new Item("raw-rgb-size-mismatch", new byte[299], "application/x-rgb;width=10;height=10",
                        "raw RGB of 299 bytes announced as 10 x 10 pixels (300 bytes)"));
    }

    // ---- JSON bodies ----

    /** Request bodies that are not the JSON object an endpoint expects. */
    public static List<Item> malformedJson() {
        String deep = "[".repeat(5000) + "]".repeat(5000);
        return List.of(
                json("empty-body", "", "no JSON at all"),
                json("not-json", "{not json", "not JSON"),
                json("truncated-json", "{\"a\": [1, 2", "JSON cut before its end"),
                json("json-array", "[1, 2]", "an array where an object is expected"),
                json("json-null", "null", "null where an object is expected"),
                json("json-string", "\"text\"", "a string where an object is expected"),
                json("json-number", "42", "a number where an object is expected"),
                json("trailing-garbage", "{} garbage", "an object followed by garbage"),
                json("deeply-nested", deep, "arrays nested 5,000 deep"),
                new Item("invalid-utf8", concat("{\"a\": \"".getBytes(StandardCharsets.UTF_8),
                        new byte[]{(byte) 0xFF, (byte) 0xFE, (byte) 0xC3}, "\"}".getBytes(StandardCharsets.UTF_8)),
                        "application/json", "bytes that are not UTF-8 inside a string"),
                json("huge-number", "{\"a\": 1" + "0".repeat(5000) + "}", "a number of 5,001 digits"));
    }

    private static Item json(String kind, String body, String flaw) {
        return new Item(kind, body.getBytes(StandardCharsets.UTF_8), "application/json", flaw);
    }

    // ---- envelopes (Kafka record values) ----

    /**
     * Damaged forms of one well-formed record value: the caller gives the envelope encoder
     * ({@code Envelope::encode}), the good record's metadata JSON (with its "type") and payload. Structural damage
     * (no envelope, wrong magic byte, unknown schema version, lengths that lie), metadata that is not a JSON object,
     * of another or no message type, and every metadata field in turn given a value of the wrong type (an array; a
     * string for a list).
     */
    public static List<Item> envelopes(BiFunction<String, byte[], byte[]> encode, String metadataJson,
                                       byte[] payload) {
        byte[] good = encode.apply(metadataJson, payload);
        int metadataBytes = metadataJson.getBytes(StandardCharsets.UTF_8).length;
        List<Item> items = new ArrayList<>();
        items.add(value("not-an-envelope", metadataJson.getBytes(StandardCharsets.UTF_8),
                "the metadata JSON alone, without the envelope"));
        items.add(value("empty-value", new byte[0], "a record value of no bytes"));
        items.add(value("short-header", Arrays.copyOf(good, 3), "3 bytes: shorter than the 6-byte header"));
        byte[] magic = good.clone();
        magic[0] = 0x7B;
        items.add(value("wrong-magic", magic, "first byte '{' instead of the envelope's magic byte"));
        byte[] version = good.clone();
        version[1] = 99;
        items.add(value("unknown-schema-version", version, "schema version 99"));
        byte[] length = good.clone();
        ByteBuffer.wrap(length, 2, 4).putInt(Integer.MAX_VALUE);
        items.add(value("metadata-length-too-large", length, "metadata length 2^31-1"));
        items.add(value("metadata-truncated", Arrays.copyOf(good, 6 + metadataBytes / 2),
                "the value ends halfway through its metadata"));
        items.add(value("metadata-not-json", encode.apply("{not json at all", payload), "metadata is not JSON"));
        items.add(value("metadata-not-an-object", encode.apply("[1, 2, 3]", payload), "metadata is a JSON array"));
        ObjectNode meta = parseObject(metadataJson);
        items.add(value("wrong-message-type", encode.apply(meta.deepCopy().put("type", "no-such-type").toString(),
                payload), "metadata of a message type this topic does not carry"));
        ObjectNode noType = meta.deepCopy();
        noType.remove("type");
        items.add(value("missing-message-type", encode.apply(noType.toString(), payload), "metadata without type"));
        for (Iterator<String> names = meta.fieldNames(); names.hasNext(); ) {
            String field = names.next();
            if (field.equals("type")) {
                continue;
            }
            ObjectNode wrong = meta.deepCopy();
            boolean list = meta.get(field).isArray();
            wrong.set(field, list ? TextNode.valueOf("not a list") : parse(WRONG_TYPE_VALUE));
            items.add(value("wrong-type-" + field, encode.apply(wrong.toString(), payload),
                    "metadata field " + field + (list ? " is a string instead of a list" : " is an array")));
        }
        return items;
    }

    /** What face-events' envelope serde says when it refuses each envelope kind, in part. */
    private static final Map<String, String> ENVELOPE_REASONS = Map.ofEntries(
            Map.entry("not-an-envelope", "not a facestream envelope"),
            Map.entry("empty-value", "shorter than the 6-byte envelope header"),
            Map.entry("short-header", "shorter than the 6-byte envelope header"),
            Map.entry("wrong-magic", "not a facestream envelope"),
            Map.entry("unknown-schema-version", "unsupported schema version 99"),
            Map.entry("metadata-length-too-large", "metadata length 2147483647 outside"),
            Map.entry("metadata-truncated", "truncated"),
            Map.entry("metadata-not-json", "metadata"),
            Map.entry("metadata-not-an-object", "not a JSON object"),
            Map.entry("wrong-message-type", "message type 'no-such-type'"),
            Map.entry("missing-message-type", "message type ''"));

    /**
     * The text a dead letter's reason holds for an {@link #envelopes} kind (for wrong-type-FIELD: the field's name);
     * null for a kind that is not an envelope kind.
     */
    public static String envelopeReason(String kind) {
        return kind.startsWith("wrong-type-") ? kind.substring("wrong-type-".length()) : ENVELOPE_REASONS.get(kind);
    }

    /**
     * Vector values that cannot be used, in otherwise well-formed envelopes: the caller gives the envelope encoder,
     * the good record's metadata JSON (its vector length in {@code dimensionField}), and the vector encoder
     * ({@code Float32Vectors::encode}). Too short, too long, a partial float, NaN, infinities, the zero vector, and a
     * well-formed vector one longer than the good one (metadata and payload agree; the gallery of that model
     * version has another dimension).
     */
    public static List<Item> vectors(BiFunction<String, byte[], byte[]> encode, String metadataJson,
                                     String dimensionField, Function<float[], byte[]> vectorEncoder) {
        ObjectNode meta = parseObject(metadataJson);
        int dimension = meta.path(dimensionField).asInt();
        float[] unit = new float[dimension];
        unit[0] = 1;
        byte[] good = vectorEncoder.apply(unit);
        List<Item> items = new ArrayList<>();
        items.add(value("vector-too-short", encode.apply(metadataJson, Arrays.copyOf(good, good.length - 4)),
                "one float fewer than the dimension says"));
        items.add(value("vector-too-long", encode.apply(metadataJson, Arrays.copyOf(good, good.length + 4)),
                "one float more than the dimension says"));
        items.add(value("vector-partial-float", encode.apply(metadataJson, Arrays.copyOf(good, good.length + 1)),
                "a length that is not a whole number of floats"));
        items.add(value("vector-empty", encode.apply(metadataJson, new byte[0]), "no vector at all"));
        items.add(value("vector-nan", encode.apply(metadataJson, vectorEncoder.apply(with(unit, Float.NaN))),
                "a NaN component"));
        items.add(value("vector-positive-infinity", encode.apply(metadataJson,
                vectorEncoder.apply(with(unit, Float.POSITIVE_INFINITY))), "an infinite component"));
        items.add(value("vector-negative-infinity", encode.apply(metadataJson,
                vectorEncoder.apply(with(unit, Float.NEGATIVE_INFINITY))), "a negative infinite component"));
        items.add(value("vector-zero", encode.apply(metadataJson, vectorEncoder.apply(new float[dimension])),
                "the zero vector: no direction"));
        float[] longer = new float[dimension + 1];
        longer[0] = 1;
        ObjectNode otherDimension = meta.deepCopy().put(dimensionField, dimension + 1);
        items.add(value("vector-dimension-mismatch", encode.apply(otherDimension.toString(),
                vectorEncoder.apply(longer)), "a well-formed vector of another dimension than its model's"));
        return items;
    }

    private static float[] with(float[] vector, float last) {
        float[] v = vector.clone();
        v[v.length - 1] = last;
        return v;
    }

    private static Item value(String kind, byte[] bytes, String flaw) {
        return new Item(kind, bytes, "application/octet-stream", flaw);
    }

    // ---- model files ----

    /**
     * Model files that must be refused, made from a good .tflite model: empty, text, random bytes, truncated (two
     * ways), a damaged FlatBuffer structure, another file identifier, and bytes changed after the digest was
     * announced ({@link Item#declaredSha256} is the good file's). The caller adds what needs the TFLite schema to
     * build (a model with an operator the runtime lacks) with {@link #model}.
     */
    public static List<Item> models(byte[] goodModel) {
        byte[] identifier = goodModel.clone();
        System.arraycopy("XXXX".getBytes(StandardCharsets.US_ASCII), 0, identifier, 4, 4);
        byte[] structure = goodModel.clone();
        structure[2] ^= (byte) 0x80; // the root table offset: the verifier must catch it
        byte[] weights = goodModel.clone();
        weights[goodModel.length - 1000] ^= 0x08; // inside the constant data: still a loadable model
        return List.of(
                model("empty-model", new byte[0], "no bytes at all"),
                model("text-as-model", "hello, I am not a model".repeat(20).getBytes(StandardCharsets.UTF_8),
                        "text with a right digest"),
                model("random-bytes-as-model", random(8192, 2), "random bytes with a right digest"),
                model("truncated-model", Arrays.copyOf(goodModel, goodModel.length / 3),
                        "the first third of a model: a right digest, a truncated FlatBuffer"),
                model("header-only-model", Arrays.copyOf(goodModel, 16), "the first 16 bytes of a model"),
                model("damaged-flatbuffer", structure, "the root table offset of a model changed"),
                model("wrong-file-identifier", identifier, "a model whose file identifier is not TFL3"),
                new Item("bad-digest", weights, "application/octet-stream", sha256(goodModel),
                        "one weight bit flipped after the good file's digest was announced"));
    }

    /** A model item whose announced digest is its own. */
    public static Item model(String kind, byte[] bytes, String flaw) {
        return new Item(kind, bytes, "application/octet-stream", flaw);
    }

    // ---- names ----

    /**
     * Names (of models, versions, runs, checkpoints, artifacts) that try to leave a folder, split a key or smuggle
     * control characters, as a request parameter or a message field would carry them.
     */
    public static List<Item> names() {
        return List.of(
                name("dot-dot-slash", "../../etc/passwd"),
                name("absolute-path", "/etc/passwd"),
                name("encoded-dot-dot-slash", "..%2F..%2Fetc%2Fpasswd"),
                name("dot-dot", ".."),
                name("backslash", "..\\..\\windows\\win.ini"),
                name("slash-inside", "a/b"),
                name("control-character", "evil\u0001name"),
                name("nul-character", "nul\u0000name"),
                name("key-separator", "x|y"));
    }

    private static Item name(String kind, String name) {
        return new Item(kind, name.getBytes(StandardCharsets.UTF_8), "text/plain", "the name " + printable(name));
    }

    private static String printable(String s) {
        StringBuilder b = new StringBuilder();
        for (char c : s.toCharArray()) {
            b.append(c < 0x20 ? String.format("\\u%04x", (int) c) : String.valueOf(c));
        }
        return b.toString();
    }

    // ---- oversize ----

    /** A body one byte over a limit (zeros: the size, not the content, must refuse it). */
    public static Item oversize(String kind, int limit, String contentType) {
        return new Item(kind, new byte[limit + 1], contentType, (limit + 1) + " bytes, over a limit of " + limit);
    }

    // ---- helpers ----

    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ObjectNode parseObject(String json) {
        JsonNode node = parse(json);
        if (!(node instanceof ObjectNode o)) {
            throw new IllegalArgumentException("the good record's metadata is not a JSON object: " + json);
        }
        return o;
    }

    private static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not JSON: " + json, e);
        }
    }

    private static BufferedImage gradient(int w, int h) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.setRGB(x, y, (x * 3) << 16 | (y * 3) << 8 | ((x + y) & 0xFF));
            }
        }
        return img;
    }

    private static byte[] encode(BufferedImage img, String format) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ImageIO.write(img, format, out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Damages a JPEG's entropy-coded data with an invalid marker (a run of 0xFF then 0x6D), which a decoder must
     * notice; random bit flips in a smooth image can decode to plausible garbage without any warning.
     */
    private static byte[] corruptJpeg(byte[] jpeg) {
        byte[] c = jpeg.clone();
        int middle = c.length * 2 / 3;
        Arrays.fill(c, middle, middle + 8, (byte) 0xFF);
        c[middle + 8] = 0x6D;
        return c;
    }

    /** The JPEG with the height and width of its baseline frame header (SOF0) replaced. */
    private static byte[] withJpegSize(byte[] jpeg, int width, int height) {
        byte[] c = jpeg.clone();
        for (int i = 2; i + 8 < c.length; i++) {
            if ((c[i] & 0xFF) == 0xFF && (c[i + 1] & 0xFF) == 0xC0) {
                ByteBuffer.wrap(c, i + 5, 4).putShort((short) height).putShort((short) width);
                return c;
            }
        }
        throw new IllegalStateException("no baseline frame header in the JPEG");
    }

    /**
     * A valid PNG of w x h 1-bit grey pixels, all black, whose rows deflate to almost nothing: decoded in full it
     * would take w x h pixels of memory, so a decoder must refuse it from its header.
     */
    private static byte[] pngBomb(int w, int h) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[]{(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
        chunk(out, "IHDR", ByteBuffer.allocate(13).putInt(w).putInt(h).put((byte) 1).put((byte) 0)
                .put((byte) 0).put((byte) 0).put((byte) 0).array());
        byte[] row = new byte[1 + (w + 7) / 8]; // filter byte 0, then the packed pixels
        Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION);
        ByteArrayOutputStream idat = new ByteArrayOutputStream();
        byte[] buf = new byte[64 * 1024];
        for (int y = 0; y < h; y++) {
            deflater.setInput(row);
            while (!deflater.needsInput()) {
                idat.write(buf, 0, deflater.deflate(buf));
            }
        }
        deflater.finish();
        while (!deflater.finished()) {
            idat.write(buf, 0, deflater.deflate(buf));
        }
        deflater.end();
        chunk(out, "IDAT", idat.toByteArray());
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
        byte[] t = type.getBytes(StandardCharsets.US_ASCII);
        out.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
        out.writeBytes(t);
        out.writeBytes(data);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }

    private static byte[] random(int length, long seed) {
        byte[] b = new byte[length];
        new SplittableRandom(seed).nextBytes(b);
        return b;
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
