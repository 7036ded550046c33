package io.facestream.converter.service;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** facestream.auth.client-token goes with checkpoint downloads, for a trainer whose reads require a token. */
class CheckpointFetcherTokenTest {

    private static final byte[] CHECKPOINT = "checkpoint bytes".getBytes(StandardCharsets.UTF_8);

    private HttpServer trainer;
    private final AtomicReference<String> authorization = new AtomicReference<>();

    @BeforeEach
    void start() throws IOException {
        trainer = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        trainer.createContext("/training-runs/", exchange -> {
            authorization.set(exchange.getRequestHeaders().getFirst("Authorization"));
            exchange.sendResponseHeaders(200, CHECKPOINT.length);
            exchange.getResponseBody().write(CHECKPOINT);
            exchange.close();
        });
        trainer.start();
    }

    @AfterEach
    void stop() {
        trainer.stop(0);
    }

    @Test
    void the_client_token_is_sent_as_bearer_and_none_without_it(@TempDir Path dir) throws Exception {
        String url = "http://127.0.0.1:" + trainer.getAddress().getPort() + "/training-runs/r1/checkpoints/c1";
        String sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(CHECKPOINT));

        new CheckpointFetcher(1 << 20, false, Optional.of("reader-token-0123456789"))
                .fetch(url, sha256, (long) CHECKPOINT.length, dir.resolve("a.ckpt"), bytes -> { });
        assertEquals("Bearer reader-token-0123456789", authorization.get());
        assertArrayEquals(CHECKPOINT, Files.readAllBytes(dir.resolve("a.ckpt")));

        new CheckpointFetcher(1 << 20, false, Optional.empty())
                .fetch(url, sha256, (long) CHECKPOINT.length, dir.resolve("b.ckpt"), bytes -> { });
        assertNull(authorization.get());
    }
}
