package io.facestream.converter.service;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.facestream.converter.domain.ArtifactRecord;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * Artifacts on disk, one folder each: {@code <dir>/<id>/model.tflite}, {@code roc.png} when there is a plot, and
 * {@code artifact.json} (the record), written last, so a folder without it is an interrupted write and is ignored.
 * Everything is read back at start: artifacts survive restarts.
 */
public final class ArtifactStore {

    static final String MODEL = "model.tflite";
    static final String ROC = "roc.png";
    static final String RECORD = "artifact.json";

    private final Path dir;
    private final ObjectMapper json;
    private final Map<String, ArtifactRecord> records = new ConcurrentHashMap<>();

    public ArtifactStore(Path dir, ObjectMapper json) throws IOException {
        this.dir = dir;
        this.json = json;
        Files.createDirectories(dir);
        try (Stream<Path> folders = Files.list(dir)) {
            for (Path folder : folders.filter(f -> Ids.isId(f.getFileName().toString())).toList()) {
                Path record = folder.resolve(RECORD);
                if (Files.isRegularFile(record) && Files.isRegularFile(folder.resolve(MODEL))) {
                    ArtifactRecord r = json.readValue(record.toFile(), ArtifactRecord.class);
                    records.put(r.id(), r);
                }
            }
        }
    }

    /** Stores a new artifact: its model, its plot if any, then its record. */
    public synchronized ArtifactRecord add(ArtifactRecord record, byte[] model, byte[] rocPng) throws IOException {
        if (!Ids.isId(record.id()) || records.containsKey(record.id())) {
            throw new IllegalArgumentException("artifact id " + record.id() + " is not a fresh id");
        }
        Path folder = dir.resolve(record.id());
        Files.createDirectories(folder);
        JsonFiles.writeBytes(folder.resolve(MODEL), model);
        if (rocPng != null) {
            JsonFiles.writeBytes(folder.resolve(ROC), rocPng);
        }
        JsonFiles.write(json, folder.resolve(RECORD), record);
        records.put(record.id(), record);
        return record;
    }

    /** Rewrites an existing artifact's record (it was published). */
    public synchronized ArtifactRecord update(ArtifactRecord record) throws IOException {
        if (!records.containsKey(record.id())) {
            throw new IllegalArgumentException("no artifact " + record.id());
        }
        JsonFiles.write(json, dir.resolve(record.id()).resolve(RECORD), record);
        records.put(record.id(), record);
        return record;
    }

    public Optional<ArtifactRecord> get(String id) {
        return Ids.isId(id) ? Optional.ofNullable(records.get(id)) : Optional.empty();
    }

    /** Newest first. */
    public List<ArtifactRecord> list() {
        return records.values().stream()
                .sorted(Comparator.comparingLong((ArtifactRecord r) -> r.event().createdAtMs()).reversed()
                        .thenComparing(ArtifactRecord::id, Comparator.reverseOrder()))
                .toList();
    }

    public Path modelFile(String id) {
        return folder(id).resolve(MODEL);
    }

    public Optional<Path> rocFile(String id) {
        Path png = folder(id).resolve(ROC);
        return Files.isRegularFile(png) ? Optional.of(png) : Optional.empty();
    }

    public byte[] model(String id) {
        try {
            return Files.readAllBytes(modelFile(id));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read artifact " + id, e);
        }
    }

    /** A published artifact of this model name converted from this checkpoint with these settings, if any. */
    public Optional<ArtifactRecord> findPublished(String modelName, String checkpointSha256, String quantization,
                                                  boolean uint8Input) {
        return records.values().stream()
                .filter(r -> r.published() && r.event().modelName().equals(modelName)
                        && checkpointSha256.equals(r.checkpointSha256())
                        && quantization.equals(r.event().quantization()) && r.uint8Input() == uint8Input)
                .findFirst();
    }

    /** An artifact of this model name that already has this version, if any. */
    public Optional<ArtifactRecord> findVersion(String modelName, String version) {
        return records.values().stream()
                .filter(r -> r.event().modelName().equals(modelName) && r.event().version().equals(version))
                .findFirst();
    }

    private Path folder(String id) {
        if (!Ids.isId(id)) {
            throw new UnknownIdException("no artifact " + id);
        }
        return dir.resolve(id);
    }
}
