package io.facestream.model.image;

import io.facestream.model.image.ImageRejectedException.Reason;

import java.util.zip.CRC32;

/**
 * Cheap structural checks on the encoded bytes, run before a decoder sees them. They exist because the decoders are
 * lenient: the JDK's PNG reader neither verifies chunk CRCs nor notices a missing end, so a cut or damaged PNG can
 * decode "successfully" into partly wrong pixels; a JPEG cut inside its header fails with a message that does not
 * say truncation.
 */
final class ContainerCheck {

    enum Format { JPEG, PNG }

    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    private static final byte[] JPEG_SIGNATURE = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF};

    private ContainerCheck() {
    }

    /** The format from the magic bytes. A prefix of a known signature means the data was cut, not that it is foreign. */
    static Format sniff(byte[] data) {
        if (startsWith(data, PNG_SIGNATURE)) {
            return Format.PNG;
        }
        if (startsWith(data, JPEG_SIGNATURE)) {
            return Format.JPEG;
        }
        if (isProperPrefix(data, PNG_SIGNATURE) || isProperPrefix(data, JPEG_SIGNATURE)) {
            throw new ImageRejectedException(Reason.TRUNCATED, "only " + data.length + " bytes, less than a signature");
        }
        StringBuilder head = new StringBuilder();
        for (int i = 0; i < Math.min(8, data.length); i++) {
            head.append(String.format("%02x", data[i] & 0xFF));
        }
        throw new ImageRejectedException(Reason.UNSUPPORTED_FORMAT, "not a JPEG or PNG (first bytes " + head + ")");
    }

    /**
     * Walks every chunk up to IEND: each must fit in the data (else TRUNCATED) and match its CRC (else CORRUPT);
     * IHDR must come first and announce non-zero dimensions.
     */
    static void checkPng(byte[] data) {
        CRC32 crc = new CRC32();
        int pos = PNG_SIGNATURE.length;
        boolean first = true;
        while (true) {
            if (pos + 8 > data.length) {
                throw new ImageRejectedException(Reason.TRUNCATED, "PNG ends at byte " + data.length
                        + " without an IEND chunk");
            }
            long length = uint32(data, pos);
            String type = chunkType(data, pos + 4);
            if (length > Integer.MAX_VALUE) {
                throw new ImageRejectedException(Reason.CORRUPT, "PNG chunk " + type + " at byte " + pos
                        + " claims " + length + " bytes");
            }
            long end = pos + 12 + length;
            if (end > data.length) {
                throw new ImageRejectedException(Reason.TRUNCATED, "PNG chunk " + type + " at byte " + pos + " needs "
                        + (end - pos) + " bytes, the data ends after " + (data.length - pos));
            }
            crc.reset();
            crc.update(data, pos + 4, 4 + (int) length);
            if (crc.getValue() != uint32(data, pos + 8 + (int) length)) {
                throw new ImageRejectedException(Reason.CORRUPT, "PNG chunk " + type + " at byte " + pos
                        + " fails its CRC check");
            }
            if (first) {
                if (!type.equals("IHDR") || length != 13) {
                    throw new ImageRejectedException(Reason.CORRUPT, "PNG does not start with a 13-byte IHDR chunk");
                }
                long width = uint32(data, pos + 8);
                long height = uint32(data, pos + 12);
                if (width == 0 || height == 0) {
                    throw new ImageRejectedException(Reason.ZERO_SIZE, "PNG header says " + width + "x" + height);
                }
                first = false;
            }
            if (type.equals("IEND")) {
                return;
            }
            pos = (int) end;
        }
    }

    /**
     * Walks the JPEG marker segments up to the first start-of-scan, so that data cut inside the header is reported
     * as TRUNCATED. What follows (entropy-coded data) only the decoder can check.
     */
    static void checkJpegHeader(byte[] data) {
        int pos = 2;
        while (true) {
            if (pos >= data.length) {
                throw new ImageRejectedException(Reason.TRUNCATED, "JPEG ends at byte " + data.length
                        + " before its image data");
            }
            if ((data[pos] & 0xFF) != 0xFF) {
                throw new ImageRejectedException(Reason.CORRUPT, "JPEG header: no marker at byte " + pos);
            }
            while (pos < data.length && (data[pos] & 0xFF) == 0xFF) {
                pos++; // 0xFF fill bytes may precede a marker
            }
            if (pos >= data.length) {
                continue;
            }
            int marker = data[pos++] & 0xFF;
            if (marker == 0xDA) {
                return;
            }
            if (marker == 0xD9 || marker == 0x00) {
                throw new ImageRejectedException(Reason.CORRUPT, String.format(
                        "JPEG header: unexpected marker 0x%02x at byte %d", marker, pos - 1));
            }
            if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) {
                continue; // markers without a length field
            }
            if (pos + 2 > data.length) {
                throw new ImageRejectedException(Reason.TRUNCATED, "JPEG ends inside the header at byte " + pos);
            }
            int segmentLength = ((data[pos] & 0xFF) << 8) | (data[pos + 1] & 0xFF);
            if (segmentLength < 2) {
                throw new ImageRejectedException(Reason.CORRUPT, String.format(
                        "JPEG header: segment 0x%02x at byte %d has length %d", marker, pos - 2, segmentLength));
            }
            pos += segmentLength;
        }
    }

    private static boolean startsWith(byte[] data, byte[] prefix) {
        if (data.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (data[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private static boolean isProperPrefix(byte[] data, byte[] signature) {
        if (data.length >= signature.length) {
            return false;
        }
        for (int i = 0; i < data.length; i++) {
            if (data[i] != signature[i]) {
                return false;
            }
        }
        return true;
    }

    private static long uint32(byte[] data, int pos) {
        return ((long) (data[pos] & 0xFF) << 24) | ((data[pos + 1] & 0xFF) << 16)
                | ((data[pos + 2] & 0xFF) << 8) | (data[pos + 3] & 0xFF);
    }

    private static String chunkType(byte[] data, int pos) {
        StringBuilder type = new StringBuilder(4);
        for (int i = 0; i < 4; i++) {
            int c = data[pos + i] & 0xFF;
            type.append(c >= 0x20 && c < 0x7F ? (char) c : '?');
        }
        return type.toString();
    }
}
