package io.facestream.trainer.service;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.facestream.trainer.domain.CheckpointRecord;
import io.facestream.trainer.domain.TrainingRun;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Runs on disk, under the data dir:
 * <pre>
 *   runs/&lt;run id&gt;/run.json                          the run (state, progress, attempts, the request)
 *   runs/&lt;run id&gt;/checkpoints/ckpt-&lt;step&gt;.ckpt       a checkpoint (the Trainer writes it)
 *   runs/&lt;run id&gt;/checkpoints/ckpt-&lt;step&gt;.json       what the service knows of it (digest, metrics, flags)
 *   runs/&lt;run id&gt;/checkpoints/ckpt-&lt;step&gt;.roc.png    its verification ROC plot, when a pairs set is configured
 * </pre>
 * Every JSON file is written to a temporary name and moved into place, so a crash never leaves half a file.
 * Ids are checked against fixed patterns before they become paths.
 */
public final class RunStore {

    private static final Pattern RUN_ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,63}");
    private static final Pattern CHECKPOINT_ID = Pattern.compile("ckpt-[0-9]{10}");
    private static final String RUN_FILE = "run.json";

    private final Path runsDir;
    private final ObjectMapper json;

    public RunStore(Path dataDir, ObjectMapper json) {
        this.runsDir = dataDir.resolve("runs");
        this.json = json;
    }

    public static boolean isRunId(String id) {
        return id != null && RUN_ID.matcher(id).matches();
    }

    public static boolean isCheckpointId(String id) {
        return id != null && CHECKPOINT_ID.matcher(id).matches();
    }

    /** The checkpoint id of a checkpoint file (its name without ".ckpt"). */
    public static String checkpointId(Path checkpointFile) {
        String name = checkpointFile.getFileName().toString();
        return name.endsWith(".ckpt") ? name.substring(0, name.length() - ".ckpt".length()) : name;
    }

    /** Every run found on disk, oldest first. */
    public List<TrainingRun> loadAll() throws IOException {
        List<TrainingRun> runs = new ArrayList<>();
        if (!Files.isDirectory(runsDir)) {
            return runs;
        }
        try (Stream<Path> dirs = Files.list(runsDir)) {
            for (Path dir : dirs.filter(d -> isRunId(d.getFileName().toString())).toList()) {
                Path file = dir.resolve(RUN_FILE);
                if (Files.isRegularFile(file)) {
                    runs.add(json.readValue(file.toFile(), TrainingRun.class));
                }
            }
        }
        runs.sort(Comparator.comparing(TrainingRun::createdAt).thenComparing(TrainingRun::id));
        return runs;
    }

    public void save(TrainingRun run) {
        writeJson(runDir(run.id()).resolve(RUN_FILE), run);
    }

    /** Where the run's checkpoints go: the Trainer's output folder. */
    public Path checkpointDir(String runId) {
        return runDir(runId).resolve("checkpoints");
    }

    public Path checkpointFile(String runId, String checkpointId) {
        return checkpointDir(runId).resolve(requireCheckpointId(checkpointId) + ".ckpt");
    }

    public Path rocFile(String runId, String checkpointId) {
        return checkpointDir(runId).resolve(requireCheckpointId(checkpointId) + ".roc.png");
    }

    public void saveCheckpoint(String runId, CheckpointRecord checkpoint) {
        writeJson(checkpointDir(runId).resolve(requireCheckpointId(checkpoint.id()) + ".json"), checkpoint);
    }

    public Optional<CheckpointRecord> checkpoint(String runId, String checkpointId) {
        if (!isCheckpointId(checkpointId)) {
            return Optional.empty();
        }
        Path file = checkpointDir(runId).resolve(checkpointId + ".json");
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(json.readValue(file.toFile(), CheckpointRecord.class));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /** The run's checkpoints, by step. */
    public List<CheckpointRecord> checkpoints(String runId) {
        Path dir = checkpointDir(runId);
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<CheckpointRecord> records = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.sorted().toList()) {
                String name = file.getFileName().toString();
                if (name.endsWith(".json") && isCheckpointId(name.substring(0, name.length() - ".json".length()))) {
                    records.add(json.readValue(file.toFile(), CheckpointRecord.class));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the checkpoints of run " + runId, e);
        }
        records.sort(Comparator.comparingLong(CheckpointRecord::step));
        return records;
    }

    private Path runDir(String runId) {
        if (!isRunId(runId)) {
            throw new IllegalArgumentException("not a run id: " + runId);
        }
        return runsDir.resolve(runId);
    }

    private static String requireCheckpointId(String id) {
        if (!isCheckpointId(id)) {
            throw new IllegalArgumentException("not a checkpoint id: " + id);
        }
        return id;
    }

    private void writeJson(Path file, Object value) {
        try {
            Files.createDirectories(file.getParent());
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            json.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), value);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
