package io.facestream.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.facestream.model.image.Preprocessing;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/** Model artifacts on converter-service: list, inspect, download (verified), upload one's own model. */
@Command(name = "artifacts", description = "Model artifacts (TFLite files) on converter-service.",
        subcommands = {ArtifactsCommand.ListArtifacts.class, ArtifactsCommand.Inspect.class,
                ArtifactsCommand.Download.class, ArtifactsCommand.Upload.class})
final class ArtifactsCommand {

    private static final String ARTIFACTS = "/artifacts";
    /** The converter's header with the model file's SHA-256. */
    private static final String SHA256_HEADER = "X-Artifact-SHA256";

    private ArtifactsCommand() {
    }

    @Command(name = "list", description = "Every stored artifact, newest first.")
    static final class ListArtifacts implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--json", description = "The answer as JSON.")
        boolean json;

        @Mixin
        ServiceOptions.Converter converter;

        @Override
        public Integer call() {
            JsonNode artifacts = converter.api().get(ARTIFACTS);
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                out.println(Json.pretty(artifacts));
                return ExitCodes.OK;
            }
            if (artifacts.isEmpty()) {
                spec.commandLine().getErr().println("no artifacts");
                return ExitCodes.OK;
            }
            List<List<String>> rows = new ArrayList<>();
            rows.add(List.of("ID", "MODEL", "VERSION", "QUANTIZATION", "INPUT", "EMBEDDING", "SIZE", "ORIGIN",
                    "PUBLISHED"));
            for (JsonNode a : artifacts) {
                JsonNode e = a.path("event");
                rows.add(List.of(a.path("id").asText(), e.path("modelName").asText(), e.path("version").asText(),
                        e.path("quantization").asText(), shape(e.path("inputShape")),
                        e.path("embeddingSize").asText(), Text.bytes(e.path("sizeBytes").asLong()),
                        a.path("origin").asText(), a.path("published").asBoolean() ? "yes" : "no"));
            }
            Text.table(rows).forEach(out::println);
            return ExitCodes.OK;
        }
    }

    @Command(name = "inspect", description = {"An artifact's metadata and validation figures, and what its .tflite "
            + "file holds: inputs, outputs, operators, tensors."})
    static final class Inspect implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "ID")
        String artifactId;

        @Option(names = "--json", description = "Both answers as one JSON object {artifact, inspection}.")
        boolean json;

        @Mixin
        ServiceOptions.Converter converter;

        @Override
        public Integer call() {
            String id = HttpApi.segment(artifactId, "artifact id");
            HttpApi api = converter.api();
            JsonNode artifact = api.get(ARTIFACTS + "/" + id);
            JsonNode inspection = api.get(ARTIFACTS + "/" + id + "/inspection");
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                ObjectNode both = Json.MAPPER.createObjectNode();
                both.set("artifact", artifact);
                both.set("inspection", inspection);
                out.println(Json.pretty(both));
                return ExitCodes.OK;
            }
            JsonNode e = artifact.path("event");
            JsonNode pre = e.path("preprocessing");
            Map<String, String> rows = new LinkedHashMap<>();
            rows.put("artifact", id);
            rows.put("model", e.path("modelName").asText() + " version " + e.path("version").asText() + " ("
                    + artifact.path("origin").asText() + ", " + publication(artifact) + ")");
            rows.put("backbone", e.path("backbone").asText() + ", head " + e.path("head").asText());
            rows.put("quantization", e.path("quantization").asText() + ", input " + shape(e.path("inputShape"))
                    + ", embedding " + e.path("embeddingSize").asInt()
                    + (artifact.path("uint8Input").asBoolean() ? ", uint8 pixels in" : ""));
            double offset = pre.path("offset").asDouble();
            rows.put("preprocessing", pre.path("colorOrder").asText() + ", value = pixel * "
                    + pre.path("scale").asText() + (offset < 0 ? " - " + -offset : " + " + offset));
            rows.put("file", Text.bytes(e.path("sizeBytes").asLong()) + ", SHA-256 " + e.path("sha256").asText());
            List<String> figures = new ArrayList<>();
            for (Map.Entry<String, JsonNode> f : e.path("validation").properties()) {
                figures.add(f.getKey() + " " + figure(f.getValue().asDouble()));
            }
            rows.put("validation", figures.isEmpty() ? "-" : String.join(", ", figures));
            int n = 0;
            for (JsonNode t : inspection.path("inputs")) {
                rows.put(n++ == 0 ? "inputs" : "inputs " + n, tensor(t));
            }
            n = 0;
            for (JsonNode t : inspection.path("outputs")) {
                rows.put(n++ == 0 ? "outputs" : "outputs " + n, tensor(t));
            }
            List<String> ops = new ArrayList<>();
            for (Map.Entry<String, JsonNode> f : inspection.path("operatorCounts").properties()) {
                ops.add(f.getKey() + " x" + f.getValue().asInt());
            }
            rows.put("operators", String.join(", ", ops) + " (" + inspection.path("operators").size()
                    + " in all)");
            rows.put("tensors", inspection.path("tensors").size() + ", constant data "
                    + Text.bytes(inspection.path("constantBytes").asLong()) + " of "
                    + Text.bytes(inspection.path("sizeBytes").asLong()));
            int width = rows.keySet().stream().mapToInt(String::length).max().orElse(0) + 2;
            rows.forEach((k, v) -> out.println(String.format("%-" + width + "s%s", k, v)));
            return ExitCodes.OK;
        }

        /** Counts and sizes (the figures are all doubles) without decimals, measurements with four. */
        private static String figure(double v) {
            return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Text.number(v, 4);
        }

        /** "input INT8 [1, 112, 112, 3] scale 0.0078 zero point -1". */
        private static String tensor(JsonNode t) {
            StringBuilder s = new StringBuilder(t.path("name").asText() + " " + t.path("type").asText() + " "
                    + shape(t.path("shape")));
            JsonNode scales = t.path("scales");
            if (scales.size() == 1) {
                s.append(" scale ").append(scales.get(0).asText()).append(" zero point ")
                        .append(t.path("zeroPoints").path(0).asText());
            } else if (scales.size() > 1) {
                s.append(" ").append(scales.size()).append(" scales (per channel)");
            }
            return s.toString();
        }
    }

    @Command(name = "download", description = {"Download an artifact's .tflite file to FILE (or into FILE when it is "
            + "a folder, as ID.tflite), checking its SHA-256 against the artifact's metadata: a file that does not "
            + "match is not written. Prints \"sha256  file\"."})
    static final class Download implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "ID")
        String artifactId;

        @Parameters(index = "1", paramLabel = "FILE")
        Path file;

        @Option(names = "--force", description = "Replace FILE when it exists.")
        boolean force;

        @Mixin
        ServiceOptions.Converter converter;

        @Mixin
        Progress.Options progressOptions;

        @Override
        public Integer call() throws IOException {
            String id = HttpApi.segment(artifactId, "artifact id");
            Path target = Files.isDirectory(file) ? file.resolve(id + ".tflite") : file;
            if (Files.exists(target) && !force) {
                throw new CliException(ExitCodes.USAGE, target + " exists (--force replaces it)");
            }
            Path folder = target.toAbsolutePath().getParent();
            if (!Files.isDirectory(folder)) {
                throw new ParameterException(spec.commandLine(), "folder " + folder + " does not exist");
            }
            HttpApi api = converter.api();
            JsonNode event = api.get(ARTIFACTS + "/" + id).path("event");
            String expected = event.path("sha256").asText();
            long size = event.path("sizeBytes").asLong();
            HttpResponse<InputStream> response = api.stream(api.request(ARTIFACTS + "/" + id + "/model.tflite")
                    .GET().build());
            String announced = response.headers().firstValue(SHA256_HEADER).orElse(expected);
            if (!announced.equals(expected)) {
                response.body().close();
                throw new CliException(ExitCodes.FAILED, "the converter sends a file with SHA-256 " + announced
                        + " but the artifact's metadata says " + expected + "; nothing written");
            }
            Progress progress = new Progress(progressOptions.mode, FacestreamCli.of(spec).errIsTerminal(),
                    spec.commandLine().getErr(), "download (KiB)", kib(size));
            Path part = Files.createTempFile(folder, "." + target.getFileName(), ".part");
            try {
                String actual = copy(response.body(), part, progress);
                if (!actual.equals(expected)) {
                    throw new CliException(ExitCodes.FAILED, "SHA-256 mismatch: the artifact's metadata says "
                            + expected + ", the downloaded bytes have " + actual + "; nothing written");
                }
                Files.move(part, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                spec.commandLine().getOut().println(actual + "  " + target);
                spec.commandLine().getErr().println("downloaded " + Text.bytes(Files.size(target))
                        + ", SHA-256 verified");
                return ExitCodes.OK;
            } finally {
                Files.deleteIfExists(part);
            }
        }

        /** Writes the bytes to the file, hashing and counting them on the way; returns the SHA-256. */
        private static String copy(InputStream body, Path file, Progress progress) throws IOException {
            MessageDigest sha = newSha256();
            long bytes = 0;
            try (InputStream in = new DigestInputStream(body, sha); OutputStream out = Files.newOutputStream(file)) {
                byte[] buffer = new byte[64 * 1024];
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    out.write(buffer, 0, n);
                    bytes += n;
                    progress.update(kib(bytes), "");
                }
            }
            progress.finish(kib(bytes), "");
            return HexFormat.of().formatHex(sha.digest());
        }
    }

    /** Kibibytes, a partial one counted: the last byte completes the bar. */
    private static long kib(long bytes) {
        return (bytes + 1023) / 1024;
    }

    /** The input normalisation presets of --range. */
    enum PixelRange {
        MINUS_ONE_TO_ONE(Preprocessing.minusOneToOne(112)),
        ZERO_TO_ONE(Preprocessing.zeroToOne(112));

        final float scale;
        final float offset;

        PixelRange(Preprocessing p) {
            this.scale = p.scale();
            this.offset = p.offset();
        }

        /** "minus-one-to-one" or "zero-to-one". */
        static final class Converter implements ITypeConverter<PixelRange> {
            @Override
            public PixelRange convert(String value) {
                try {
                    return valueOf(value.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
                } catch (IllegalArgumentException e) {
                    throw new TypeConversionException("'" + value + "': write minus-one-to-one or zero-to-one");
                }
            }
        }
    }

    @Command(name = "upload", sortOptions = false, description = {"Bring your own model: upload a .tflite "
            + "face-embedding model. The converter checks it (loads and runs it), stores it and, unless "
            + "--no-publish, publishes it on models.artifacts for the embedders. Prints the artifact's id."})
    static final class Upload implements Callable<Integer> {

        /** How pixels become the model's input: a preset, or scale and offset. */
        static final class Normalization {
            @Option(names = "--range", paramLabel = "RANGE", converter = PixelRange.Converter.class,
                    description = "minus-one-to-one (pixel / 127.5 - 1) or zero-to-one (pixel / 255).")
            PixelRange range;

            @ArgGroup(exclusive = false)
            ScaleOffset explicit;
        }

        /** value = pixel * scale + offset. */
        static final class ScaleOffset {
            @Option(names = "--scale", required = true, description = "value = pixel * scale + offset")
            float scale;

            @Option(names = "--offset", required = true, description = "see --scale")
            float offset;
        }

        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "FILE", description = "The .tflite model.")
        Path file;

        @Option(names = "--model-name", required = true, paramLabel = "NAME",
                description = "The model name it is published under.")
        String modelName;

        @Option(names = "--input-size", required = true, paramLabel = "S",
                description = "The square input side in pixels (checked against the model).")
        int inputSize;

        @ArgGroup(exclusive = true, multiplicity = "1", heading = "Input normalisation (one of):%n")
        Normalization normalization;

        @Option(names = "--version", paramLabel = "V", description = "Default: upload-<first SHA-256 digits>.")
        String version;

        @Option(names = "--color-order", paramLabel = "ORDER", description = "RGB (default) or BGR.")
        Preprocessing.ColorOrder colorOrder;

        @Option(names = "--backbone", paramLabel = "NAME", description = "Recorded with the artifact.")
        String backbone;

        @Option(names = "--head", paramLabel = "NAME", description = "Recorded with the artifact.")
        String head;

        @Option(names = "--no-publish", description = "Store it without announcing it to the embedders.")
        boolean noPublish;

        @Mixin
        ServiceOptions.Converter converter;

        @Override
        public Integer call() throws IOException {
            if (!Files.isRegularFile(file)) {
                throw new ParameterException(spec.commandLine(), "FILE " + file + " does not exist");
            }
            float scale = normalization.range != null ? normalization.range.scale : normalization.explicit.scale;
            float offset = normalization.range != null ? normalization.range.offset : normalization.explicit.offset;
            Map<String, String> query = new LinkedHashMap<>();
            query.put("modelName", modelName);
            query.put("inputSize", Integer.toString(inputSize));
            query.put("scale", Float.toString(scale));
            query.put("offset", Float.toString(offset));
            query.put("sha256", sha256(file)); // the converter refuses bytes damaged on the way
            put(query, "version", version);
            put(query, "colorOrder", colorOrder == null ? null : colorOrder.name());
            put(query, "backbone", backbone);
            put(query, "head", head);
            query.put("publish", Boolean.toString(!noPublish));
            HttpApi api = converter.api();
            spec.commandLine().getErr().println("uploading " + file + " (" + Text.bytes(Files.size(file)) + ")");
            HttpRequest request;
            try {
                request = api.request(ARTIFACTS + "?" + queryString(query))
                        .header("Content-Type", "application/octet-stream").header("Accept", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofFile(file)).build();
            } catch (FileNotFoundException e) {
                throw new ParameterException(spec.commandLine(), "FILE " + file + " cannot be read");
            }
            JsonNode artifact = api.json(api.send(request, 201));
            JsonNode e = artifact.path("event");
            spec.commandLine().getOut().println(artifact.path("id").asText());
            spec.commandLine().getErr().println("artifact " + artifact.path("id").asText() + ": "
                    + e.path("modelName").asText() + " version " + e.path("version").asText() + ", "
                    + e.path("quantization").asText() + ", embedding " + e.path("embeddingSize").asInt() + ", "
                    + publication(artifact));
            return ExitCodes.OK;
        }

        private static void put(Map<String, String> query, String name, String value) {
            if (value != null) {
                query.put(name, value);
            }
        }

        private static String queryString(Map<String, String> query) {
            return query.entrySet().stream()
                    .map(q -> q.getKey() + "=" + URLEncoder.encode(q.getValue(), StandardCharsets.UTF_8))
                    .collect(Collectors.joining("&"));
        }

        private static String sha256(Path file) throws IOException {
            MessageDigest sha = newSha256();
            try (InputStream in = new DigestInputStream(Files.newInputStream(file), sha)) {
                in.transferTo(OutputStream.nullOutputStream());
            }
            return HexFormat.of().formatHex(sha.digest());
        }
    }

    /** "published on models.artifacts", or the converter's note on why not. */
    private static String publication(JsonNode artifact) {
        if (artifact.path("published").asBoolean()) {
            return "published on models.artifacts";
        }
        return artifact.path("note").isTextual() ? artifact.path("note").asText() : "not published";
    }

    /** "[112, 112, 3]". */
    private static String shape(JsonNode array) {
        List<String> dims = new ArrayList<>();
        array.forEach(d -> dims.add(d.asText()));
        return "[" + String.join(", ", dims) + "]";
    }

    private static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
