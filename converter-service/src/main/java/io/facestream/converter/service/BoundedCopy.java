package io.facestream.converter.service;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Copies a stream to a file while counting and hashing it, stopping as soon as it passes a size limit. */
public final class BoundedCopy {

    /** Told after each chunk how many bytes have been copied. */
    @FunctionalInterface
    public interface Progress {
        Progress NONE = bytes -> { };

        void copied(long bytes);
    }

    /** What was copied: its size and SHA-256 (lower-case hex). */
    public record Copied(long sizeBytes, String sha256) {
    }

    private BoundedCopy() {
    }

    /**
     * @throws PayloadTooLargeException when the stream holds more than maxBytes (the file is deleted)
     */
    public static Copied copy(InputStream in, Path target, long maxBytes, String what, Progress progress)
            throws IOException {
        MessageDigest digest = sha256();
        byte[] buf = new byte[1 << 16];
        long total = 0;
        boolean complete = false;
        try (OutputStream out = Files.newOutputStream(target)) {
            for (int n; (n = in.read(buf)) > 0; ) {
                total += n;
                if (total > maxBytes) {
                    throw new PayloadTooLargeException(what + " is larger than the limit of " + maxBytes + " bytes");
                }
                digest.update(buf, 0, n);
                out.write(buf, 0, n);
                progress.copied(total);
            }
            complete = true;
        } finally {
            if (!complete) {
                Files.deleteIfExists(target);
            }
        }
        return new Copied(total, HexFormat.of().formatHex(digest.digest()));
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
