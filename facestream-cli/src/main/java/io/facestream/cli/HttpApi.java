package io.facestream.cli;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.stream.Stream;

/**
 * One service's REST API as the commands use it: JSON answers, the services' error bodies ({status, message,
 * field}) turned into one-line messages, and an unreachable service told apart (exit code 3).
 */
final class HttpApi {

    private final String service;
    private final String baseUrl;
    private final String urlHint;
    private final HttpClient client;
    private final String token;

    /**
     * @param service the service's name in messages ("trainer-service")
     * @param urlHint how the user sets its URL ("--trainer-url or FACESTREAM_TRAINER_URL")
     * @param token   the bearer token sent with every request; null or blank sends none
     */
    HttpApi(String service, String baseUrl, String urlHint, Duration connectTimeout, String token) {
        this.service = service;
        this.token = token == null || token.isBlank() ? null : token.strip();
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.urlHint = urlHint;
        // HTTP/1.1: the services speak it, and an h2c upgrade attempt buys nothing for a few requests and a stream
        this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NORMAL).build();
    }

    /** An id as one path segment; anything but letters, digits, '.', '_' and '-' is refused before it is sent. */
    static String segment(String id, String what) {
        if (id == null || !id.matches("[A-Za-z0-9._-]+") || id.equals(".") || id.equals("..")) {
            throw new CliException(ExitCodes.USAGE, "not a valid " + what + ": '" + id + "'");
        }
        return id;
    }

    HttpRequest.Builder request(String path) {
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path));
            return token == null ? request : request.header("Authorization", "Bearer " + token);
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCodes.USAGE, "not a usable " + service + " URL: " + baseUrl + " ("
                    + Text.reason(e) + "); set it with " + urlHint);
        }
    }

    /** GET path, expecting 200 and JSON. */
    JsonNode get(String path) {
        return json(send(request(path).header("Accept", "application/json").GET().build(), 200));
    }

    /** Sends, and returns the answer when it has the expected status; any other is a refusal (exit 1). */
    HttpResponse<String> send(HttpRequest request, int expectedStatus) {
        HttpResponse<String> response = exchange(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != expectedStatus) {
            throw refused(response.statusCode(), response.body());
        }
        return response;
    }

    /** The answer as a stream (a download); a status other than 200 is a refusal (exit 1). */
    HttpResponse<InputStream> stream(HttpRequest request) {
        HttpResponse<InputStream> response = exchange(request, HttpResponse.BodyHandlers.ofInputStream());
        if (response.statusCode() != 200) {
            throw refused(response.statusCode(), drain(response.body()));
        }
        return response;
    }

    /** The answer's lines as they arrive (server-sent events); a status other than 200 is a refusal (exit 1). */
    Stream<String> lines(HttpRequest request) {
        HttpResponse<Stream<String>> response = exchange(request, HttpResponse.BodyHandlers.ofLines());
        if (response.statusCode() != 200) {
            String body;
            try (Stream<String> lines = response.body()) {
                body = String.join("\n", lines.toList());
            }
            throw refused(response.statusCode(), body);
        }
        return response.body();
    }

    JsonNode json(HttpResponse<String> response) {
        try {
            return Json.MAPPER.readTree(response.body());
        } catch (IOException e) {
            throw new CliException(ExitCodes.FAILED, service + " answered " + describe(response) + " with what is not "
                    + "JSON: " + abbreviate(response.body()));
        }
    }

    String service() {
        return service;
    }

    String baseUrl() {
        return baseUrl;
    }

    private <T> HttpResponse<T> exchange(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
        try {
            return client.send(request, handler);
        } catch (ConnectException | HttpConnectTimeoutException | UnresolvedAddressException e) {
            throw unreachable(e);
        } catch (IOException e) {
            if (e.getCause() instanceof ConnectException || e.getCause() instanceof UnresolvedAddressException) {
                throw unreachable(e);
            }
            throw new CliException(ExitCodes.FAILED, service + " at " + baseUrl + ": " + Text.reason(e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(ExitCodes.FAILED, "interrupted", e);
        }
    }

    CliException unreachable(Exception e) {
        return new CliException(ExitCodes.UNREACHABLE, service + " is not reachable at " + baseUrl + " ("
                + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage())
                + "); is it running? Its URL is set with " + urlHint, e);
    }

    /** "trainer-service answered 400: batch_size must be positive (field batch_size)". */
    private CliException refused(int status, String body) {
        String message = abbreviate(body);
        String field = null;
        try {
            JsonNode error = Json.MAPPER.readTree(body);
            if (error != null && error.hasNonNull("message")) {
                message = error.get("message").asText();
                field = error.hasNonNull("field") ? error.get("field").asText() : null;
            }
        } catch (IOException e) {
            // not JSON (a proxy's page, an empty body): the text itself is the best there is
        }
        String hint = status == 401 ? (token == null ? "; give a token with --token or FACESTREAM_TOKEN"
                : "; check the token given with --token or FACESTREAM_TOKEN") : "";
        return new CliException(ExitCodes.FAILED, service + " answered " + status + ": " + (message.isBlank() ? "(no message)"
                : message) + (field == null ? "" : " (field " + field + ")") + hint);
    }

    private static String describe(HttpResponse<?> response) {
        return response.request().method() + " " + response.request().uri().getPath();
    }

    private static String drain(InputStream in) {
        try (in) {
            return new String(in.readNBytes(64 * 1024), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    private static String abbreviate(String text) {
        String t = text == null ? "" : text.strip();
        return t.length() > 500 ? t.substring(0, 500) + "..." : t;
    }
}
