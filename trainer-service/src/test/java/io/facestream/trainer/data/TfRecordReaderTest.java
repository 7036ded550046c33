package io.facestream.trainer.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TfRecordReaderTest {

    @TempDir
    Path dir;

    /**
     * The bytes TensorFlow's TFRecordWriter produces for one record "hello", worked out from the format with an
     * independent CRC-32C (Python, bit by bit): length 5, masked CRC 0x3e04b2ea, data, masked CRC 0x191c1fbb.
     */
    @Test
    void readsTheFramingTensorFlowWrites() throws IOException {
        Path file = dir.resolve("hello.tfrecord");
        Files.write(file, HexFormat.of().parseHex("0500000000000000" + "eab2043e" + "68656c6c6f" + "bb1f1c19"));
        try (TfRecordReader reader = TfRecordReader.open(file)) {
            TfRecordReader.Entry e = reader.next();
            assertEquals(0, e.offset());
            assertEquals("hello", new String(e.data(), StandardCharsets.US_ASCII));
            assertNull(reader.next());
        }
        // CRC-32C's check value is 0xe3069283 for "123456789"; masked, 0xc78ab0e5
        byte[] check = "123456789".getBytes(StandardCharsets.US_ASCII);
        assertEquals(0xc78ab0e5, TfRecordReader.maskedCrc32c(check, 0, check.length));
    }

    @Test
    void readsRecordsBackInOrderAndAgainByOffset() throws IOException {
        List<byte[]> records = List.of("first".getBytes(StandardCharsets.UTF_8), new byte[0], new byte[70_000]);
        Arrays.fill(records.get(2), (byte) 7);
        Path file = dir.resolve("three.tfrecord");
        TfRecordFiles.write(file, records);
        List<TfRecordReader.Entry> read = new ArrayList<>();
        try (TfRecordReader reader = TfRecordReader.open(file)) {
            for (TfRecordReader.Entry e; (e = reader.next()) != null; ) {
                read.add(e);
            }
        }
        assertEquals(3, read.size());
        // each record costs 16 bytes of framing
        assertEquals(List.of(0L, 16L + 5, 16L + 5 + 16), read.stream().map(TfRecordReader.Entry::offset).toList());
        for (int i = 0; i < 3; i++) {
            assertArrayEquals(records.get(i), read.get(i).data());
            assertArrayEquals(records.get(i), TfRecordReader.readAt(file, read.get(i).offset()));
        }
    }

    @Test
    void aCorruptedDataByteIsRejectedWithItsRecordOffset() throws IOException {
        Path file = dir.resolve("bad-data.tfrecord");
        TfRecordFiles.write(file, List.of("good".getBytes(StandardCharsets.UTF_8),
                "will be damaged".getBytes(StandardCharsets.UTF_8)));
        byte[] bytes = Files.readAllBytes(file);
        long secondRecord = 16 + 4;
        bytes[(int) secondRecord + 12 + 3] ^= 0x40;
        Files.write(file, bytes);
        try (TfRecordReader reader = TfRecordReader.open(file)) {
            assertEquals("good", new String(reader.next().data(), StandardCharsets.UTF_8));
            TfRecordFormatException e = assertThrows(TfRecordFormatException.class, reader::next);
            assertTrue(e.getMessage().contains("data of the record at byte " + secondRecord + " is corrupt"),
                    e.getMessage());
        }
        TfRecordFormatException again = assertThrows(TfRecordFormatException.class,
                () -> TfRecordReader.readAt(file, secondRecord));
        assertTrue(again.getMessage().contains("data CRC"), again.getMessage());
    }

    @Test
    void aCorruptedLengthIsRejectedBeforeAnythingIsAllocated() throws IOException {
        Path file = dir.resolve("bad-length.tfrecord");
        TfRecordFiles.write(file, List.of("record".getBytes(StandardCharsets.UTF_8)));
        byte[] bytes = Files.readAllBytes(file);
        bytes[6] = 0x7f; // a length of petabytes, caught by the length CRC
        Files.write(file, bytes);
        try (TfRecordReader reader = TfRecordReader.open(file)) {
            TfRecordFormatException e = assertThrows(TfRecordFormatException.class, reader::next);
            assertTrue(e.getMessage().contains("corrupt length") && e.getMessage().contains("byte 0"),
                    e.getMessage());
        }
    }

    @Test
    void aFileCutInsideARecordSaysSo() throws IOException {
        Path file = dir.resolve("cut.tfrecord");
        TfRecordFiles.write(file, List.of("complete".getBytes(StandardCharsets.UTF_8),
                "cut short".getBytes(StandardCharsets.UTF_8)));
        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, Arrays.copyOf(bytes, bytes.length - 6));
        try (TfRecordReader reader = TfRecordReader.open(file)) {
            reader.next();
            TfRecordFormatException e = assertThrows(TfRecordFormatException.class, reader::next);
            assertTrue(e.getMessage().contains("cut short"), e.getMessage());
        }
        Path headerOnly = dir.resolve("header.tfrecord");
        Files.write(headerOnly, Arrays.copyOf(bytes, 7));
        try (TfRecordReader reader = TfRecordReader.open(headerOnly)) {
            TfRecordFormatException e = assertThrows(TfRecordFormatException.class, reader::next);
            assertTrue(e.getMessage().contains("inside the header"), e.getMessage());
        }
    }
}
