package io.facestream.converter.service;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.facestream.converter.domain.Conversion;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * Conversion records, in memory and as {@code <dir>/<id>.json}. Progress within a phase is kept in memory only;
 * every change of status or phase is written. At start, a conversion left QUEUED or RUNNING by a previous process
 * is marked FAILED: its work is gone (a checkpoint event is redelivered and converted again; a REST conversion
 * must be submitted again).
 */
public final class ConversionStore {

    private final Path dir;
    private final ObjectMapper json;
    private final Map<String, Conversion> conversions = new ConcurrentHashMap<>();

    public ConversionStore(Path dir, ObjectMapper json, long nowMs) throws IOException {
        this.dir = dir;
        this.json = json;
        Files.createDirectories(dir);
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".json")).toList()) {
                String id = file.getFileName().toString().replaceFirst("\\.json$", "");
                if (!Ids.isId(id)) {
                    continue;
                }
                Conversion c = json.readValue(file.toFile(), Conversion.class);
                if (!c.status().finished()) {
                    c = c.failed("interrupted: the converter stopped before this conversion finished", nowMs);
                    JsonFiles.write(json, file, c);
                }
                conversions.put(c.id(), c);
            }
        }
    }

    /** Records a conversion; written to disk when its status or phase changed (or it is new). */
    public synchronized Conversion put(Conversion c) throws IOException {
        Conversion previous = conversions.put(c.id(), c);
        if (previous == null || previous.status() != c.status() || previous.phase() != c.phase()
                || previous.validation() != c.validation()) {
            JsonFiles.write(json, dir.resolve(c.id() + ".json"), c);
        }
        return c;
    }

    public Optional<Conversion> get(String id) {
        return Ids.isId(id) ? Optional.ofNullable(conversions.get(id)) : Optional.empty();
    }

    /** Newest first. */
    public List<Conversion> list() {
        return conversions.values().stream()
                .sorted(Comparator.comparingLong(Conversion::createdAtMs).reversed()
                        .thenComparing(Conversion::id, Comparator.reverseOrder()))
                .toList();
    }
}
