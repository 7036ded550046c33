package io.facestream.converter.service;

import io.facestream.converter.config.ConverterConfig;
import io.facestream.converter.domain.ArtifactRecord;
import io.facestream.events.domain.Sha256;
import io.facestream.model.image.Preprocessing;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Bring your own model: an uploaded .tflite file becomes an artifact once it has passed
 * {@link UploadedModelCheck}, is stored, and (unless asked not to) is published like a converted one.
 */
@ApplicationScoped
public class UploadService {

    /**
     * The upload's parameters as the request gives them (null for absent).
     *
     * @param sha256 when given, the bytes must have this digest (a transfer that damaged them, or a tampered file,
     *               is refused)
     */
    public record Upload(String modelName, String version, Integer inputSize, Float scale, Float offset,
                         String colorOrder, String backbone, String head, String sha256, Boolean publish) {
    }

    private ConverterConfig config;
    private ArtifactService artifacts;

    protected UploadService() {
        // for CDI proxies
    }

    @Inject
    public UploadService(ConverterConfig config, ArtifactService artifacts) {
        this.config = config;
        this.artifacts = artifacts;
    }

    public ArtifactRecord upload(InputStream body, Long contentLength, Upload u)
            throws IOException, InterruptedException {
        Names.check(u.modelName(), "modelName");
        if (u.version() != null) {
            Names.check(u.version(), "version");
            artifacts.requireFreeVersion(u.modelName(), u.version());
        }
        if (u.backbone() != null) {
            Names.check(u.backbone(), "backbone");
        }
        if (u.head() != null) {
            Names.check(u.head(), "head");
        }
        if (u.sha256() != null) {
            try {
                Sha256.require(u.sha256());
            } catch (IllegalArgumentException e) {
                throw new InvalidRequestException(e.getMessage());
            }
        }
        if (u.scale() == null || u.offset() == null) {
            throw new InvalidRequestException("scale and offset are required: the model's input value is pixel * "
                    + "scale + offset (e.g. scale=0.0078431373&offset=-1 for [-1, 1])");
        }
        long max = config.maxUploadBytes();
        if (contentLength != null && contentLength > max) {
            throw new PayloadTooLargeException("the model is " + contentLength + " bytes, more than the limit of "
                    + max + " (converter.max-upload-bytes)");
        }
        Path dir = config.dataDir().resolve("incoming");
        Files.createDirectories(dir);
        Path file = Files.createTempFile(dir, "upload-", ".tflite");
        byte[] bytes;
        try {
            BoundedCopy.Copied copied = BoundedCopy.copy(body, file, max, "the model", BoundedCopy.Progress.NONE);
            if (u.sha256() != null && !u.sha256().equals(copied.sha256())) {
                throw new InvalidRequestException("the uploaded model has SHA-256 " + copied.sha256()
                        + ", the request says " + u.sha256() + ": damaged or tampered with");
            }
            bytes = Files.readAllBytes(file);
        } finally {
            Files.deleteIfExists(file);
        }
        if (bytes.length == 0) {
            throw new InvalidRequestException("the request has no body: upload the .tflite file");
        }
        UploadedModelCheck.Checked checked = UploadedModelCheck.check(bytes);
        Preprocessing preprocessing = preprocessing(u, checked.inputSize());
        String version = u.version() != null ? u.version() : "upload-" + Sha256.of(bytes).substring(0, 12);
        artifacts.requireFreeVersion(u.modelName(), version);
        return artifacts.add(new ArtifactService.Draft(u.modelName(), version,
                u.backbone() == null ? "unknown" : u.backbone(), u.head() == null ? "unknown" : u.head(),
                checked.quantization(), preprocessing, checked.embeddingSize(), bytes, null, null,
                ArtifactRecord.UPLOAD, null, null, false), u.publish() == null || u.publish(),
                "not published: the request asked for publish=false");
    }

    /** The declared preprocessing; inputSize defaults to the model's own input side and must match it. */
    private static Preprocessing preprocessing(Upload u, int modelSide) {
        if (u.inputSize() != null && u.inputSize() != modelSide) {
            throw new InvalidRequestException("the uploaded model takes " + modelSide + "x" + modelSide
                    + " images, the declared inputSize is " + u.inputSize());
        }
        Preprocessing.ColorOrder order;
        try {
            order = u.colorOrder() == null ? Preprocessing.ColorOrder.RGB
                    : Preprocessing.ColorOrder.valueOf(u.colorOrder().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException("colorOrder must be RGB or BGR, got " + u.colorOrder());
        }
        try {
            return new Preprocessing(modelSide, order, u.scale(), u.offset());
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException("unusable preprocessing: " + e.getMessage());
        }
    }
}
