package io.facestream.trainer.data;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * Reads TFRecord files, TensorFlow's framing of a sequence of byte strings. Each record is
 * <pre>
 *   uint64 length (little-endian)
 *   uint32 masked CRC-32C of the 8 length bytes
 *   byte   data[length]
 *   uint32 masked CRC-32C of the data
 * </pre>
 * with mask(crc) = ((crc &gt;&gt;&gt; 15) | (crc &lt;&lt; 17)) + 0xa282ead8. Both checksums are verified; a mismatch
 * or a file that ends inside a record is a {@link TfRecordFormatException} naming the file and the record's byte
 * offset.
 * Only uncompressed files are read (arcface-tf2 writes them uncompressed).
 */
public final class TfRecordReader implements Closeable {

    /** A record: the byte offset of its length field in the file, and its data. */
    public record Entry(long offset, byte[] data) {
    }

    /** Larger records are refused before allocation (a face image record is kilobytes). */
    static final long MAX_RECORD_BYTES = 1L << 30;
    private static final int HEADER_BYTES = 12;
    private static final int MASK_DELTA = 0xa282ead8;

    private final Path file;
    private final InputStream in;
    private long position;

    private TfRecordReader(Path file, InputStream in) {
        this.file = file;
        this.in = in;
    }

    public static TfRecordReader open(Path file) throws IOException {
        return new TfRecordReader(file, new BufferedInputStream(Files.newInputStream(file), 1 << 16));
    }

    /** The next record, or null at the end of the file. */
    public Entry next() throws IOException {
        long offset = position;
        byte[] header = in.readNBytes(HEADER_BYTES);
        if (header.length == 0) {
            return null;
        }
        int length = checkHeader(file, offset, header);
        byte[] data = in.readNBytes(length);
        byte[] crc = in.readNBytes(4);
        checkData(file, offset, length, data, crc);
        position += HEADER_BYTES + length + 4L;
        return new Entry(offset, data);
    }

    /** The record starting at offset (an {@link Entry#offset()}), read again with both checksums verified. */
    public static byte[] readAt(Path file, long offset) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            byte[] header = readFully(channel, offset, HEADER_BYTES);
            if (header.length == 0) {
                throw new TfRecordFormatException(file + " has no record at byte " + offset + " (it ends before)");
            }
            int length = checkHeader(file, offset, header);
            byte[] data = readFully(channel, offset + HEADER_BYTES, length);
            byte[] crc = readFully(channel, offset + HEADER_BYTES + length, 4);
            checkData(file, offset, length, data, crc);
            return data;
        }
    }

    /** TFRecord's masked CRC-32C. */
    static int maskedCrc32c(byte[] bytes, int offset, int length) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, offset, length);
        int value = (int) crc.getValue();
        return ((value >>> 15) | (value << 17)) + MASK_DELTA;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }

    private static int checkHeader(Path file, long offset, byte[] header) throws TfRecordFormatException {
        if (header.length < HEADER_BYTES) {
            throw new TfRecordFormatException(file + " ends inside the header of the record at byte " + offset
                    + " (" + header.length + " of " + HEADER_BYTES + " bytes): the file is cut short");
        }
        ByteBuffer b = ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN);
        long length = b.getLong(0);
        int stored = b.getInt(8);
        int computed = maskedCrc32c(header, 0, 8);
        if (stored != computed) {
            throw new TfRecordFormatException(String.format("%s: the record at byte %d has a corrupt length "
                    + "(length CRC stored %08x, computed %08x): not a TFRecord file, or damaged", file, offset,
                    stored, computed));
        }
        if (length < 0 || length > MAX_RECORD_BYTES) {
            throw new TfRecordFormatException(file + ": the record at byte " + offset + " claims " + length
                    + " bytes, more than the " + MAX_RECORD_BYTES + " allowed");
        }
        return (int) length;
    }

    private static void checkData(Path file, long offset, int length, byte[] data, byte[] crc)
            throws TfRecordFormatException {
        if (data.length < length || crc.length < 4) {
            throw new TfRecordFormatException(file + " ends inside the record at byte " + offset + " ("
                    + data.length + " of " + length + " data bytes): the file is cut short");
        }
        int stored = ByteBuffer.wrap(crc).order(ByteOrder.LITTLE_ENDIAN).getInt();
        int computed = maskedCrc32c(data, 0, length);
        if (stored != computed) {
            throw new TfRecordFormatException(String.format("%s: the data of the record at byte %d is corrupt "
                    + "(data CRC stored %08x, computed %08x)", file, offset, stored, computed));
        }
    }

    /** Up to n bytes at position; fewer only at the end of the file. */
    private static byte[] readFully(FileChannel channel, long position, int n) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(n);
        while (buffer.hasRemaining()) {
            int read = channel.read(buffer, position + buffer.position());
            if (read < 0) {
                break;
            }
        }
        byte[] out = new byte[buffer.position()];
        buffer.flip().get(out);
        return out;
    }
}
