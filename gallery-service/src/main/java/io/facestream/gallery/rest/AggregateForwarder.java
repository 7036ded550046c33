package io.facestream.gallery.rest;

import jakarta.inject.Singleton;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.apache.kafka.streams.state.HostInfo;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Asks the instance that owns a sum-store key for the aggregate and relays its answer unchanged. The request is
 * marked as forwarded so that an instance which is not the owner either (partitions moving) answers 503 instead of
 * forwarding again.
 */
@Singleton
public class AggregateForwarder {

    public static final String FORWARDED_FROM = "X-Gallery-Forwarded-From";

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /**
     * @param from          this instance's address, named in the forwarded request
     * @param authorization the caller's Authorization header, relayed (the owner checks it as this instance did);
     *                      null when there was none
     */
    public Response forward(HostInfo owner, String from, String person, String version, String authorization) {
        URI uri = URI.create("http://" + owner.host() + ":" + owner.port() + "/persons/" + pathSegment(person)
                + "/aggregate?version=" + URLEncoder.encode(version, StandardCharsets.UTF_8));
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5))
                .header(FORWARDED_FROM, from).GET();
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        try {
            HttpResponse<String> answer = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            Response.ResponseBuilder relayed = Response.status(answer.statusCode()).type(MediaType.APPLICATION_JSON)
                    .entity(answer.body());
            answer.headers().firstValue("Retry-After").ifPresent(v -> relayed.header("Retry-After", v));
            return relayed.build();
        } catch (IOException e) {
            throw ApiException.unavailable("the instance owning this aggregate, " + owner.host() + ":" + owner.port()
                    + ", did not answer (" + e + "); try again shortly");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ApiException.unavailable("interrupted while asking " + owner.host() + ":" + owner.port());
        }
    }

    private static String pathSegment(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
