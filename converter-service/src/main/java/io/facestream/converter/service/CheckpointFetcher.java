package io.facestream.converter.service;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * Downloads a checkpoint by reference into a file and verifies it: the announced size, a bound on the size, and the
 * SHA-256. Only HTTP(S) URLs, and file: URLs when allowed (local runs, tests).
 */
public final class CheckpointFetcher {

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
            .followRedirects(HttpClient.Redirect.NORMAL).build();
    private final long maxBytes;
    private final boolean allowFileUrls;
    private final Optional<String> bearerToken;

    /** @param bearerToken sent with HTTP downloads, for a trainer whose reads require a token */
    public CheckpointFetcher(long maxBytes, boolean allowFileUrls, Optional<String> bearerToken) {
        this.maxBytes = maxBytes;
        this.allowFileUrls = allowFileUrls;
        this.bearerToken = bearerToken;
    }

    /** The URL as a URI, or InvalidRequestException when it is not one this fetcher can download from. */
    public URI checkUrl(String url) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException | NullPointerException e) {
            throw new InvalidRequestException("not a URL: " + url);
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        switch (scheme) {
            case "http", "https" -> {
                if (uri.getHost() == null) {
                    throw new InvalidRequestException("URL without a host: " + url);
                }
            }
            case "file" -> {
                if (!allowFileUrls) {
                    throw new InvalidRequestException("file: URLs are disabled (converter.allow-file-urls): " + url);
                }
            }
            default -> throw new InvalidRequestException("unsupported URL scheme (http, https): " + url);
        }
        return uri;
    }

    /**
     * Downloads url into target and checks it.
     *
     * @param expectedSize the announced size, or null / not positive when none was announced
     * @throws DigestMismatchException when the size or the SHA-256 differ (target is deleted)
     * @throws IOException             when the download fails (worth retrying)
     */
    public void fetch(String url, String sha256, Long expectedSize, Path target, BoundedCopy.Progress progress)
            throws IOException, InterruptedException {
        URI uri = checkUrl(url);
        boolean announced = expectedSize != null && expectedSize > 0;
        if (announced && expectedSize > maxBytes) {
            throw new PayloadTooLargeException("the checkpoint announces " + expectedSize + " bytes, more than the "
                    + "limit of " + maxBytes + " (converter.max-checkpoint-bytes)");
        }
        long limit = announced ? expectedSize : maxBytes;
        BoundedCopy.Copied copied;
        try (InputStream in = open(uri)) {
            copied = BoundedCopy.copy(in, target, limit, "the checkpoint at " + url, progress);
        } catch (PayloadTooLargeException e) {
            if (announced) {
                throw new DigestMismatchException("the checkpoint at " + url + " is larger than the " + expectedSize
                        + " bytes announced");
            }
            throw e;
        }
        if (announced && copied.sizeBytes() != expectedSize) {
            Files.deleteIfExists(target);
            throw new DigestMismatchException("the checkpoint at " + url + " has " + copied.sizeBytes()
                    + " bytes, " + expectedSize + " were announced");
        }
        if (!copied.sha256().equals(sha256)) {
            Files.deleteIfExists(target);
            throw new DigestMismatchException("the checkpoint at " + url + " has SHA-256 " + copied.sha256()
                    + ", " + sha256 + " was announced: refused");
        }
    }

    private InputStream open(URI uri) throws IOException, InterruptedException {
        if (uri.getScheme().equalsIgnoreCase("file")) {
            return Files.newInputStream(Path.of(uri));
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofMinutes(10)).GET();
        bearerToken.ifPresent(token -> request.header("Authorization", "Bearer " + token));
        HttpResponse<InputStream> response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        if (response.statusCode() != 200) {
            response.body().close();
            throw new IOException("GET " + uri + " answered " + response.statusCode());
        }
        return response.body();
    }
}
