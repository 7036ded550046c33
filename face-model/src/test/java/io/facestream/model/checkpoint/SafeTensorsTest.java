package io.facestream.model.checkpoint;

import io.facestream.model.graph.Shape;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SafeTensorsTest {

    private static final long NO_LIMIT = Long.MAX_VALUE;

    @Test
    void roundTripIsBitExact() throws IOException {
        Map<String, FloatTensor> tensors = new LinkedHashMap<>();
        tensors.put("z/kernel", FloatTensor.of(Shape.of(2, 3), -0.0f, 0.0f, Float.MIN_VALUE, Float.MAX_VALUE,
                -Float.MAX_VALUE, 1.17549435E-38f));
        tensors.put("a/scalar", FloatTensor.of(Shape.of(), 3.5f));
        float[] big = new float[50_000];
        for (int i = 0; i < big.length; i++) {
            big[i] = (float) Math.sin(i) * 1e-3f;
        }
        tensors.put("m/big", new FloatTensor(Shape.of(100, 500), big));

        byte[] bytes = write(tensors);
        Map<String, FloatTensor> back = SafeTensors.read(new ByteArrayInputStream(bytes), NO_LIMIT);
        assertEquals(tensors, back);
        float[] special = back.get("z/kernel").data();
        assertEquals(Float.floatToRawIntBits(-0.0f), Float.floatToRawIntBits(special[0]));
        assertEquals(Float.floatToRawIntBits(Float.MIN_VALUE), Float.floatToRawIntBits(special[2]));
    }

    @Test
    void layoutIsSafetensors() throws IOException {
        byte[] bytes = write(Map.of("w", FloatTensor.of(Shape.of(2), 1.0f, -2.0f)));
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        long headerLength = b.getLong();
        assertEquals(0, headerLength % 8, "header padded to 8 bytes");
        String header = new String(bytes, 8, (int) headerLength, StandardCharsets.UTF_8);
        assertEquals("{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", header.stripTrailing());
        assertEquals(8 + headerLength + 8, bytes.length);
        // float32 little-endian: 1.0 = 00 00 80 3F, -2.0 = 00 00 00 C0
        byte[] data = Arrays.copyOfRange(bytes, 8 + (int) headerLength, bytes.length);
        assertArrayEquals(new byte[]{0, 0, (byte) 0x80, 0x3f, 0, 0, 0, (byte) 0xc0}, data);
    }

    @Test
    void writingIsDeterministicWhateverTheMapOrder() throws IOException {
        Map<String, FloatTensor> ab = new LinkedHashMap<>();
        ab.put("a", FloatTensor.of(Shape.of(1), 1f));
        ab.put("b", FloatTensor.of(Shape.of(1), 2f));
        Map<String, FloatTensor> ba = new LinkedHashMap<>();
        ba.put("b", FloatTensor.of(Shape.of(1), 2f));
        ba.put("a", FloatTensor.of(Shape.of(1), 1f));
        assertArrayEquals(write(ab), write(ba));
    }

    @Test
    void readsFilesFromOtherWriters() throws IOException {
        // metadata, unsorted keys, data in another order than the keys, no padding
        byte[] bytes = file("{\"__metadata__\":{\"format\":\"pt\"},"
                        + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]},"
                        + "\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}",
                floats(1f, 2f));
        Map<String, FloatTensor> back = SafeTensors.read(new ByteArrayInputStream(bytes), NO_LIMIT);
        assertEquals(FloatTensor.of(Shape.of(1), 1f), back.get("a"));
        assertEquals(FloatTensor.of(Shape.of(1), 2f), back.get("b"));
    }

    @Test
    void malformedFilesAreRejectedWithTheReason() throws IOException {
        String one = "{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}";
        assertRejected("it ends inside the 8-byte header length", new byte[]{1, 2, 3});
        assertRejected("header length 0 is not in", withLength(0, new byte[0]));
        assertRejected("header length 18446744073709551615 is not in", withLength(-1, new byte[16]));
        assertRejected("it ends inside the 500-byte header", withLength(500, new byte[40]));
        assertRejected("header is not valid JSON", file("{\"w\":", new byte[0]));
        assertRejected("header must be a JSON object", file("[1, 2]", new byte[0]));
        assertRejected("has dtype F16; only F32 is supported",
                file("{\"w\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[0,4]}}", new byte[4]));
        assertRejected("shape dimensions must be positive",
                file("{\"w\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[0,0]}}", new byte[0]));
        assertRejected("has data_offsets [0, 4] (4 bytes) but shape [2] needs 8 bytes",
                file("{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,4]}}", new byte[4]));
        assertRejected("needs data_offsets [begin, end]",
                file("{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[-8,0]}}", new byte[8]));
        assertRejected("has an unknown field 'scale'",
                file("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4],\"scale\":2}}", new byte[4]));
        assertRejected("Duplicate field 'w'", file("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                + "\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", new byte[4]));
        assertRejected("tensor b starts at byte 8 of the data, expected 4",
                file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                        + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}}", new byte[12]));
        assertRejected("tensor b starts at byte 0 of the data, expected 4",
                file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                        + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", new byte[4]));
        assertRejected("tensor w needs bytes 0..8 of the data, it ends at byte 5", file(one, new byte[5]));
        assertRejected("has bytes after the last tensor", file(one, new byte[9]));
        assertRejected("__metadata__ must be an object of strings",
                file("{\"__metadata__\":{\"n\":1}}", new byte[0]));
    }

    @Test
    void sizeLimitIsCheckedBeforeAnyTensorIsAllocated() {
        // the header claims 4 GB of data that is not there: the limit stops it, not an OutOfMemoryError
        byte[] bytes = file("{\"w\":{\"dtype\":\"F32\",\"shape\":[1000000000],\"data_offsets\":[0,4000000000]}}",
                new byte[0]);
        CheckpointFormatException e = assertThrows(CheckpointFormatException.class,
                () -> SafeTensors.read(new ByteArrayInputStream(bytes), 1 << 20));
        assertTrue(e.getMessage().contains("is over the limit of 1048576 bytes"), e.getMessage());
        CheckpointFormatException header = assertThrows(CheckpointFormatException.class,
                () -> SafeTensors.read(new ByteArrayInputStream(withLength(4096, new byte[4096])), 1024));
        assertTrue(header.getMessage().contains("header length 4096 is not in 1..1016"), header.getMessage());
    }

    private static void assertRejected(String reason, byte[] bytes) {
        CheckpointFormatException e = assertThrows(CheckpointFormatException.class,
                () -> SafeTensors.read(new ByteArrayInputStream(bytes), NO_LIMIT));
        assertTrue(e.getMessage().contains(reason), "expected '" + reason + "' in: " + e.getMessage());
    }

    private static byte[] write(Map<String, FloatTensor> tensors) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        long n = SafeTensors.write(tensors, out);
        assertEquals(out.size(), n);
        return out.toByteArray();
    }

    private static byte[] file(String header, byte[] data) {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        byte[] rest = new byte[h.length + data.length];
        System.arraycopy(h, 0, rest, 0, h.length);
        System.arraycopy(data, 0, rest, h.length, data.length);
        return withLength(h.length, rest);
    }

    private static byte[] withLength(long headerLength, byte[] rest) {
        return ByteBuffer.allocate(8 + rest.length).order(ByteOrder.LITTLE_ENDIAN).putLong(headerLength).put(rest)
                .array();
    }

    private static byte[] floats(float... values) {
        ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            b.putFloat(v);
        }
        return b.array();
    }
}
