package io.facestream.cli;

import picocli.CommandLine.Option;

import java.time.Duration;

/** Where the REST services are, for the commands that call them. */
final class ServiceOptions {

    private ServiceOptions() {
    }

    /** trainer-service's URL. */
    static final class Trainer {
        @Option(names = "--trainer-url", paramLabel = "URL",
                defaultValue = "${env:FACESTREAM_TRAINER_URL:-http://localhost:8081}",
                description = "trainer-service (env FACESTREAM_TRAINER_URL; default: ${DEFAULT-VALUE}).")
        String url;

        @Option(names = "--connect-timeout", paramLabel = "SECONDS", defaultValue = "10",
                description = "How long connecting may take (default: ${DEFAULT-VALUE}).")
        int connectTimeoutSeconds;

        @Option(names = "--token", paramLabel = "TOKEN", defaultValue = "${env:FACESTREAM_TOKEN}",
                description = "Bearer token for trainer-service (env FACESTREAM_TOKEN): an admin token for the "
                        + "commands that change something, a reader token for the others where reads need one.")
        String token;

        HttpApi api() {
            return new HttpApi("trainer-service", url, "--trainer-url or FACESTREAM_TRAINER_URL",
                    timeout(connectTimeoutSeconds), token);
        }
    }

    /** converter-service's URL. */
    static final class Converter {
        @Option(names = "--converter-url", paramLabel = "URL",
                defaultValue = "${env:FACESTREAM_CONVERTER_URL:-http://localhost:8082}",
                description = "converter-service (env FACESTREAM_CONVERTER_URL; default: ${DEFAULT-VALUE}).")
        String url;

        @Option(names = "--connect-timeout", paramLabel = "SECONDS", defaultValue = "10",
                description = "How long connecting may take (default: ${DEFAULT-VALUE}).")
        int connectTimeoutSeconds;

        @Option(names = "--token", paramLabel = "TOKEN", defaultValue = "${env:FACESTREAM_TOKEN}",
                description = "Bearer token for converter-service (env FACESTREAM_TOKEN): an admin token for the "
                        + "commands that change something, a reader token for the others where reads need one.")
        String token;

        HttpApi api() {
            return new HttpApi("converter-service", url, "--converter-url or FACESTREAM_CONVERTER_URL",
                    timeout(connectTimeoutSeconds), token);
        }
    }

    private static Duration timeout(int seconds) {
        if (seconds < 1) {
            throw new CliException(ExitCodes.USAGE, "--connect-timeout must be 1 or more, got " + seconds);
        }
        return Duration.ofSeconds(seconds);
    }
}
