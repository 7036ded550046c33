package io.facestream.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs the client in the test JVM with captured stdout and stderr (not a terminal: progress comes as lines). */
final class Cli {

    /** What a command did. */
    record Result(int exitCode, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    private Cli() {
    }

    static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = run(out, err, args);
        return new Result(code, out.toString(), err.toString());
    }

    /** With the caller's writers, to watch a long-running command (StringWriter is thread-safe). */
    static int run(StringWriter out, StringWriter err, String... args) {
        return FacestreamCli.execute(args, new PrintWriter(out, true), new PrintWriter(err, true), false);
    }
}
