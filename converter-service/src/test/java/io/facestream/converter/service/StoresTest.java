package io.facestream.converter.service;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.facestream.converter.domain.ArtifactRecord;
import io.facestream.converter.domain.Conversion;
import io.facestream.converter.domain.ConversionSettings;
import io.facestream.converter.domain.ConversionSource;
import io.facestream.converter.domain.ConversionStatus;
import io.facestream.converter.domain.Phase;
import io.facestream.converter.domain.QualityBounds;
import io.facestream.converter.domain.ValidationReport;
import io.facestream.converter.domain.VerificationFigures;
import io.facestream.events.domain.ModelArtifactEvent;
import io.facestream.events.domain.Sha256;
import io.facestream.model.image.Preprocessing;
import io.facestream.tflite.lower.Precision;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Artifacts and conversion records survive a restart: a new store on the same folder reads them all back. */
class StoresTest {

    static final ObjectMapper JSON = ArtifactService.storeJson();

    @Test
    void artifacts_come_back_after_a_restart_with_their_bytes_and_plot(@TempDir Path dir) throws IOException {
        byte[] model = {'T', 'F', 'L', '3', 1, 2, 3};
        byte[] png = {(byte) 0x89, 'P', 'N', 'G'};
        ValidationReport report = ValidationReport.of("int8", 16, 8, 0.99, 0.97,
                new VerificationFigures("pairs.txt", 10, 10, 0.9, 0.05, 0.3, 0.5, 0.95),
                new VerificationFigures("pairs.txt", 10, 10, 0.88, 0.06, 0.31, 0.45, 0.94), 4000, model.length);
        String id = Ids.next(1_000);
        ArtifactRecord record = new ArtifactRecord(id, event("face", "v1", model, 1_000), report,
                ArtifactRecord.CONVERSION, "conv", "a".repeat(64), false, false, null, true);
        ArtifactStore first = new ArtifactStore(dir, JSON);
        first.add(record, model, png);
        first.update(record.asPublished());
        Files.createDirectories(dir.resolve(Ids.next(2_000))); // an interrupted write: no record, ignored

        ArtifactStore second = new ArtifactStore(dir, JSON);
        assertEquals(List.of(record.asPublished()), second.list());
        assertArrayEquals(model, second.model(id));
        assertArrayEquals(png, Files.readAllBytes(second.rocFile(id).orElseThrow()));
        assertTrue(second.findPublished("face", "a".repeat(64), "int8", false).isPresent());
        assertFalse(second.findPublished("face", "a".repeat(64), "int8", true).isPresent());
        assertFalse(second.findPublished("other", "a".repeat(64), "int8", false).isPresent());
        assertTrue(second.findVersion("face", "v1").isPresent());
        assertTrue(second.get("../" + id).isEmpty(), "ids are checked before they touch the file system");
        assertThrows(UnknownIdException.class, () -> second.modelFile("../../etc/passwd"));
    }

    @Test
    void conversions_come_back_and_unfinished_ones_are_marked_interrupted(@TempDir Path dir) throws IOException {
        ConversionSettings settings = new ConversionSettings("face", "v1", Precision.INT8, false, true,
                new QualityBounds(0.98, null, 0.02));
        ConversionStore first = new ConversionStore(dir, JSON, 0);
        Conversion done = Conversion.queued(Ids.next(1), ConversionSource.url("http://h/c", "b".repeat(64), 10L),
                settings, 1).succeeded(Ids.next(2), null, 5);
        Conversion running = Conversion.queued(Ids.next(3), ConversionSource.upload("c".repeat(64)), settings, 3)
                .progress(Phase.CONVERTING, 30, 4);
        first.put(done);
        first.put(running);

        ConversionStore second = new ConversionStore(dir, JSON, 99);
        assertEquals(done, second.get(done.id()).orElseThrow());
        Conversion interrupted = second.get(running.id()).orElseThrow();
        assertEquals(ConversionStatus.FAILED, interrupted.status());
        assertEquals(Phase.CONVERTING, interrupted.phase(), "the phase it stopped in");
        assertTrue(interrupted.reason().contains("interrupted"), interrupted.reason());
        assertEquals(List.of(running.id(), done.id()), second.list().stream().map(Conversion::id).toList(),
                "newest first");
    }

    private static ModelArtifactEvent event(String name, String version, byte[] model, long at) {
        return new ModelArtifactEvent(name, version, "MobileNetV2", "ARCFACE", "int8", List.of(64, 64, 3),
                Preprocessing.minusOneToOne(64), 32, model.length, Sha256.of(model), null,
                "http://localhost/artifacts/x/model.tflite", at);
    }
}
