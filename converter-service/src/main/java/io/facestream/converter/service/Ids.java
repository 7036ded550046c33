package io.facestream.converter.service;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** Ids of conversions and artifacts: time-ordered and random, e.g. "mf3k2a1b-4c9e0f"; safe as file and URL names. */
public final class Ids {

    private static final Pattern ID = Pattern.compile("[0-9a-z]{1,13}-[0-9a-f]{6}");
    private static final SecureRandom RANDOM = new SecureRandom();

    private Ids() {
    }

    public static String next(long nowMs) {
        byte[] r = new byte[3];
        RANDOM.nextBytes(r);
        return Long.toString(nowMs, 36) + "-" + HexFormat.of().formatHex(r);
    }

    /** True for strings of this form only, so a path parameter never becomes anything but one file name. */
    public static boolean isId(String id) {
        return id != null && ID.matcher(id).matches();
    }
}
