package io.facestream.cli;

/** The exit codes of every command (the README and the usage help list them). */
final class ExitCodes {

    static final int OK = 0;
    /** A service refused the request, a training run failed, a digest did not match, nothing was published. */
    static final int FAILED = 1;
    /** Bad arguments: picocli's usage code. */
    static final int USAGE = 2;
    /** Kafka or a service did not answer in time. */
    static final int UNREACHABLE = 3;
    /** train follow: the run ended cancelled. */
    static final int CANCELLED = 4;
    /** publish: some files were published, others were skipped or failed. */
    static final int PARTIAL = 5;

    private ExitCodes() {
    }
}
