package io.facestream.converter.service;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Names from outside never climb out of a folder, split a key or carry control characters. */
class NamesTest {

    @ParameterizedTest
    @ValueSource(strings = {"face", "face-v2", "run-1.ckpt-0000000080.int8", "MobileFaceNet_112", "modèle"})
    void ordinary_names_pass(String name) {
        assertEquals(name, Names.check(name, "modelName"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "../etc", "a/b", "a\\b", "..", "a..b", "x|y", "tab\there", "new\nline",
            "nul\u0000", " padded", "line\u2028sep"})
    void dangerous_names_are_refused(String name) {
        assertThrows(InvalidRequestException.class, () -> Names.check(name, "modelName"));
    }

    @ParameterizedTest
    @ValueSource(ints = {128, 129})
    void names_are_bounded(int length) {
        String name = "a".repeat(length);
        if (length <= Names.MAX_LENGTH) {
            assertEquals(name, Names.check(name, "version"));
        } else {
            assertThrows(InvalidRequestException.class, () -> Names.check(name, "version"));
        }
    }
}
