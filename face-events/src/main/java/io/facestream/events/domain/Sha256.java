package io.facestream.events.domain;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** SHA-256 digests as lower-case hex, the form every event carries for the bytes it refers to. */
public final class Sha256 {
    private static final Pattern HEX64 = Pattern.compile("[0-9a-f]{64}");

    private Sha256() {
    }

    public static String of(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    public static String require(String digest) {
        if (digest == null || !HEX64.matcher(digest).matches()) {
            throw new IllegalArgumentException("sha256 must be 64 lower-case hex characters, got " + digest);
        }
        return digest;
    }

    /** Throws when the bytes do not have the expected digest: nothing loads unverified bytes. */
    public static void verify(byte[] bytes, String expected, String what) {
        String actual = of(bytes);
        if (!actual.equals(expected)) {
            throw new SecurityException(what + ": SHA-256 mismatch, expected " + expected + " got " + actual);
        }
    }
}
