package io.facestream.cli;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** --token is sent as "Authorization: Bearer"; a 401 says what the service wants and how to give a token. */
class TokenOptionTest {

    private StubService service;

    @BeforeEach
    void start() throws IOException {
        service = new StubService();
    }

    @AfterEach
    void stop() {
        service.close();
    }

    @Test
    void theTokenGoesWithTheRequest(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("run.json"), "{\"batch_size\": 48}");
        service.on("POST", "/training-runs", StubService.json(201, TrainCommandsTest.run("QUEUED", null, null)));

        Cli.Result r = Cli.run("train", "start", "--config", file.toString(), "--trainer-url", service.url(),
                "--token", "admin-token-0123456789abcdef");

        assertEquals(0, r.exitCode(), r.toString());
        assertEquals("Bearer admin-token-0123456789abcdef",
                service.only("POST", "/training-runs").header("Authorization"));
    }

    @Test
    void a401SaysHowToGiveAToken() {
        service.on("GET", "/artifacts", StubService.json(401, "{\"status\":401,\"message\":\"GET /artifacts needs "
                + "a bearer token of role reader: send the header 'Authorization: Bearer <token>'\"}"));

        Cli.Result r = Cli.run("artifacts", "list", "--converter-url", service.url());

        assertEquals(ExitCodes.FAILED, r.exitCode(), r.toString());
        assertNull(service.only("GET", "/artifacts").header("Authorization"), "no token, no header");
        assertTrue(r.err().contains("converter-service answered 401: GET /artifacts needs a bearer token of role "
                + "reader"), r.err());
        assertTrue(r.err().contains("give a token with --token or FACESTREAM_TOKEN"), r.err());
    }
}
