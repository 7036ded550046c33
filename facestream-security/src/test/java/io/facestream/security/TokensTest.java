package io.facestream.security;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TokensTest {

    private static final String ADMIN_TOKEN = "adm-7f3c9a1e5b2d4c8f";
    private static final String READER_TOKEN = "rdr-0a1b2c3d4e5f6a7b";

    @Test
    void a_token_has_the_role_of_its_entry_and_anything_else_has_none() {
        Tokens tokens = Tokens.parse(List.of("admin:" + ADMIN_TOKEN, " reader : " + READER_TOKEN + " "));
        assertEquals(Optional.of("admin"), tokens.roleOf(ADMIN_TOKEN));
        assertEquals(Optional.of("reader"), tokens.roleOf(READER_TOKEN));
        assertEquals(Optional.empty(), tokens.roleOf(ADMIN_TOKEN + "x"));
        assertEquals(Optional.empty(), tokens.roleOf(ADMIN_TOKEN.substring(1)));
        assertEquals(Optional.empty(), tokens.roleOf(""));
        assertEquals(1, tokens.count("admin"));
        assertEquals(1, tokens.count("reader"));
    }

    @Test
    void a_token_may_be_configured_as_its_sha256_and_may_hold_colons() throws Exception {
        String token = "with:colons=and+padding==";
        String hex = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(token.getBytes(StandardCharsets.UTF_8)));
        Tokens tokens = Tokens.parse(List.of("reader:sha256:" + hex.toUpperCase(), "admin:" + token));
        assertEquals(Optional.of("admin"), tokens.roleOf(token), "the admin entry wins over the reader one");
        Tokens hashedOnly = Tokens.parse(List.of("reader:sha256:" + hex));
        assertEquals(Optional.of("reader"), hashedOnly.roleOf(token));
        assertEquals(Optional.empty(), hashedOnly.roleOf("sha256:" + hex), "the digest itself is no token");
    }

    @Test
    void no_entries_accept_nothing() {
        Tokens none = Tokens.parse(List.of());
        assertTrue(none.isEmpty());
        assertEquals(Optional.empty(), none.roleOf(ADMIN_TOKEN));
        assertFalse(Tokens.parse(List.of("admin:" + ADMIN_TOKEN)).isEmpty());
    }

    @Test
    void a_malformed_entry_is_refused_by_its_position_without_its_secret() {
        assertMessage(List.of("admin:" + ADMIN_TOKEN, READER_TOKEN), "entry 2 is not ROLE:TOKEN");
        assertMessage(List.of("root:" + ADMIN_TOKEN), "the role 'root'; the roles are admin and reader");
        assertMessage(List.of("admin:short"), "at least 16 characters");
        assertMessage(List.of("admin:sha256:abc"), "64 hex digits");
        assertMessage(List.of(":" + ADMIN_TOKEN), "entry 1 is not ROLE:TOKEN");
    }

    private static void assertMessage(List<String> entries, String expected) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Tokens.parse(entries));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        assertFalse(e.getMessage().contains(ADMIN_TOKEN) || e.getMessage().contains(READER_TOKEN), e.getMessage());
    }
}
