package io.facestream.converter.service;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** Files written whole or not at all: a sibling temporary file moved into place. */
final class JsonFiles {

    private JsonFiles() {
    }

    static void write(ObjectMapper json, Path file, Object value) throws IOException {
        writeBytes(file, json.writerWithDefaultPrettyPrinter().writeValueAsBytes(value));
    }

    static void writeBytes(Path file, byte[] bytes) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.write(tmp, bytes);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
