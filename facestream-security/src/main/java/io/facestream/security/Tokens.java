package io.facestream.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * The bearer tokens a service accepts, each with its role, parsed from {@code facestream.auth.tokens}: a comma-separated
 * list of {@code ROLE:TOKEN} or {@code ROLE:sha256:HEX} entries (HEX is the token's SHA-256 in hex, so that the
 * configuration need not hold the token itself). ROLE is {@value #ADMIN} (every endpoint) or {@value #READER} (the
 * reads). Only digests are kept; a presented token is hashed and compared with every digest in constant time.
 */
public final class Tokens {

    /** Every endpoint: the writes (training runs, conversions, uploads, deletions) and the reads. */
    public static final String ADMIN = "admin";
    /** The reads (GET), when they require a token. */
    public static final String READER = "reader";
    /** The shortest plain token accepted: anything shorter is guessable. */
    public static final int MIN_TOKEN_LENGTH = 16;

    private static final String SHA256_PREFIX = "sha256:";

    private record Entry(String role, byte[] digest) {
    }

    private final List<Entry> entries;

    private Tokens(List<Entry> entries) {
        this.entries = entries;
    }

    /**
     * Parses the entries; a malformed one is refused with a message that names its position, never its secret.
     *
     * @throws IllegalArgumentException for an entry without a role, with an unknown role, a plain token shorter than
     *                                  {@value #MIN_TOKEN_LENGTH} characters or a digest that is not 64 hex digits
     */
    public static Tokens parse(List<String> configured) {
        List<Entry> entries = new ArrayList<>();
        for (int i = 0; i < configured.size(); i++) {
            String entry = configured.get(i).strip();
            String where = "facestream.auth.tokens entry " + (i + 1);
            int colon = entry.indexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException(where + " is not ROLE:TOKEN or ROLE:sha256:HEX");
            }
            String role = entry.substring(0, colon).strip();
            if (!role.equals(ADMIN) && !role.equals(READER)) {
                throw new IllegalArgumentException(where + " has the role '" + role + "'; the roles are " + ADMIN
                        + " and " + READER);
            }
            String secret = entry.substring(colon + 1).strip();
            byte[] digest;
            if (secret.startsWith(SHA256_PREFIX)) {
                String hex = secret.substring(SHA256_PREFIX.length());
                if (!hex.matches("[0-9a-fA-F]{64}")) {
                    throw new IllegalArgumentException(where + " (" + role + "): a sha256: digest is 64 hex digits");
                }
                digest = HexFormat.of().parseHex(hex.toLowerCase());
            } else {
                if (secret.length() < MIN_TOKEN_LENGTH) {
                    throw new IllegalArgumentException(where + " (" + role + "): a token must have at least "
                            + MIN_TOKEN_LENGTH + " characters");
                }
                digest = sha256(secret);
            }
            entries.add(new Entry(role, digest));
        }
        return new Tokens(List.copyOf(entries));
    }

    /**
     * The role of a presented token: {@value #ADMIN} when it is an admin token, {@value #READER} when it is a reader
     * token, empty when it is neither. Every entry is compared, whatever matched, in constant time.
     */
    public Optional<String> roleOf(String presented) {
        byte[] digest = sha256(presented);
        boolean admin = false;
        boolean reader = false;
        for (Entry e : entries) {
            boolean match = MessageDigest.isEqual(digest, e.digest());
            admin |= match & e.role().equals(ADMIN);
            reader |= match & e.role().equals(READER);
        }
        return admin ? Optional.of(ADMIN) : reader ? Optional.of(READER) : Optional.empty();
    }

    public boolean isEmpty() {
        return entries.isEmpty();
    }

    /** How many tokens have this role. */
    public long count(String role) {
        return entries.stream().filter(e -> e.role().equals(role)).count();
    }

    private static byte[] sha256(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
