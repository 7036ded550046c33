package io.facestream.gallery.rest;

import com.sun.net.httpserver.HttpServer;
import jakarta.ws.rs.core.Response;
import org.apache.kafka.streams.state.HostInfo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The remote path of GET /persons/{person}/aggregate: the owner's answer is relayed as it is. */
class AggregateForwarderTest {

    HttpServer owner;
    final AtomicReference<String> asked = new AtomicReference<>();
    final AtomicReference<String> from = new AtomicReference<>();
    final AtomicReference<String> authorization = new AtomicReference<>();

    @BeforeEach
    void start() throws IOException {
        owner = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        owner.createContext("/persons/", exchange -> {
            asked.set(exchange.getRequestURI().getRawPath() + "?" + exchange.getRequestURI().getRawQuery());
            from.set(exchange.getRequestHeaders().getFirst(AggregateForwarder.FORWARDED_FROM));
            authorization.set(exchange.getRequestHeaders().getFirst("Authorization"));
            byte[] body = "{\"status\":503,\"message\":\"moving\"}".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Retry-After", "2");
            exchange.sendResponseHeaders(503, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        owner.start();
    }

    @AfterEach
    void stop() {
        owner.stop(0);
    }

    @Test
    void the_owners_answer_is_relayed_with_its_status_body_and_retry_after() {
        HostInfo host = new HostInfo("127.0.0.1", owner.getAddress().getPort());
        Response r = new AggregateForwarder().forward(host, "10.0.0.1:8084", "Ada Lovelace", "model:1",
                "Bearer reader-token-0123456789");
        assertEquals("/persons/Ada%20Lovelace/aggregate?version=model%3A1", asked.get());
        assertEquals("10.0.0.1:8084", from.get(), "marked as forwarded, so the owner never forwards again");
        assertEquals("Bearer reader-token-0123456789", authorization.get(), "the owner checks the caller's token");
        assertEquals(503, r.getStatus());
        assertEquals("{\"status\":503,\"message\":\"moving\"}", r.getEntity());
        assertEquals("2", r.getHeaderString("Retry-After"));
    }

    @Test
    void an_owner_that_does_not_answer_is_a_503() {
        HostInfo gone = new HostInfo("127.0.0.1", owner.getAddress().getPort());
        owner.stop(0);
        ApiException e = assertThrows(ApiException.class,
                () -> new AggregateForwarder().forward(gone, "self", "ada", "v", null));
        assertEquals(503, e.status());
    }
}
