package io.facestream.embedder.model;

import io.facestream.events.domain.ModelArtifactEvent;
import io.facestream.events.domain.Sha256;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Optional;

/**
 * Fetches an artifact's bytes by reference and verifies them: the size the event announces, a bound on the size,
 * and the SHA-256. Verified bytes are cached under their digest, so a restart does not download again.
 */
public final class ArtifactFetcher {

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
            .followRedirects(HttpClient.Redirect.NORMAL).build();
    private final Path cacheDir;
    private final long maxBytes;
    private final boolean allowFileUrls;
    private final Optional<String> bearerToken;

    /** @param bearerToken sent with HTTP downloads, for a converter whose reads require a token */
    public ArtifactFetcher(Path cacheDir, long maxBytes, boolean allowFileUrls, Optional<String> bearerToken) {
        this.cacheDir = cacheDir;
        this.maxBytes = maxBytes;
        this.allowFileUrls = allowFileUrls;
        this.bearerToken = bearerToken;
    }

    /** The verified bytes; throws with the reason (unreachable, too large, digest mismatch, bad URL). */
    public byte[] fetch(ModelArtifactEvent artifact) throws IOException, InterruptedException {
        if (artifact.sizeBytes() > maxBytes) {
            throw new IllegalArgumentException("artifact " + artifact.version() + " announces " + artifact.sizeBytes()
                    + " bytes, more than the limit " + maxBytes);
        }
        Path cached = cacheDir.resolve(artifact.sha256() + ".tflite");
        if (Files.exists(cached)) {
            byte[] bytes = Files.readAllBytes(cached);
            if (Sha256.of(bytes).equals(artifact.sha256())) {
                return bytes;
            }
            Files.delete(cached); // a damaged cache entry is fetched again
        }
        byte[] bytes = download(URI.create(artifact.downloadUrl()));
        if (bytes.length != artifact.sizeBytes()) {
            throw new SecurityException("artifact " + artifact.version() + ": downloaded " + bytes.length
                    + " bytes, the event announces " + artifact.sizeBytes());
        }
        Sha256.verify(bytes, artifact.sha256(), "artifact " + artifact.version());
        Files.createDirectories(cacheDir);
        Path tmp = Files.createTempFile(cacheDir, "download-", ".part");
        Files.write(tmp, bytes);
        Files.move(tmp, cached, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return bytes;
    }

    private byte[] download(URI uri) throws IOException, InterruptedException {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase();
        switch (scheme) {
            case "http", "https" -> {
                HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofMinutes(5)).GET();
                bearerToken.ifPresent(token -> request.header("Authorization", "Bearer " + token));
                HttpResponse<InputStream> response = http.send(request.build(),
                        HttpResponse.BodyHandlers.ofInputStream());
                try (InputStream body = response.body()) {
                    if (response.statusCode() != 200) {
                        throw new IOException("GET " + uri + " answered " + response.statusCode());
                    }
                    return readBounded(body, uri);
                }
            }
            case "file" -> {
                if (!allowFileUrls) {
                    throw new IllegalArgumentException("file: artifact URLs are disabled (embedder.allow-file-urls)");
                }
                try (InputStream in = Files.newInputStream(Path.of(uri))) {
                    return readBounded(in, uri);
                }
            }
            default -> throw new IllegalArgumentException("unsupported artifact URL scheme: " + uri);
        }
    }

    private byte[] readBounded(InputStream in, URI uri) throws IOException {
        byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
        if (bytes.length > maxBytes) {
            throw new IllegalArgumentException(uri + " is larger than the limit " + maxBytes + " bytes");
        }
        return bytes;
    }
}
