package io.facestream.converter.service;

/**
 * Checks of model names and versions that come from outside (requests, checkpoint events). They end up in file
 * names, URLs, Kafka keys and gallery keys, so anything that could climb out of a folder or split a key is refused.
 */
public final class Names {

    public static final int MAX_LENGTH = 128;

    private Names() {
    }

    /** The name unchanged, or InvalidRequestException saying what is wrong with it. */
    public static String check(String value, String what) {
        if (value == null || value.isBlank()) {
            throw new InvalidRequestException(what + " is required");
        }
        if (value.length() > MAX_LENGTH) {
            throw new InvalidRequestException(what + " is longer than " + MAX_LENGTH + " characters");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isISOControl(c) || Character.getType(c) == Character.LINE_SEPARATOR
                    || Character.getType(c) == Character.PARAGRAPH_SEPARATOR) {
                throw new InvalidRequestException(what + " must not contain control characters (U+"
                        + String.format("%04X", (int) c) + " at " + i + ")");
            }
            if (c == '/' || c == '\\') {
                throw new InvalidRequestException(what + " must not contain '/' or '\\': " + value);
            }
            if (c == '|') {
                throw new InvalidRequestException(what + " must not contain '|', the gallery's key separator: "
                        + value);
            }
        }
        if (value.contains("..")) {
            throw new InvalidRequestException(what + " must not contain '..': " + value);
        }
        if (!value.strip().equals(value)) {
            throw new InvalidRequestException(what + " must not start or end with white space");
        }
        return value;
    }
}
