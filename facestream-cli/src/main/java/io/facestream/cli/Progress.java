package io.facestream.cli;

import picocli.CommandLine.Option;

import java.io.PrintWriter;

/**
 * Progress on stderr: a bar redrawn in place when stderr is a terminal, a line every tenth of the way (or every
 * few seconds) when it is not, or nothing. Notes (a skipped file, a state change) are always printed, on their own
 * line above the bar. Thread-safe: producer callbacks report from Kafka's I/O thread.
 */
final class Progress {

    enum Mode { AUTO, BAR, LINES, NONE }

    /** The option of the commands that show progress. */
    static final class Options {
        @Option(names = "--progress", paramLabel = "MODE", defaultValue = "auto",
                description = "auto (a bar on a terminal, else lines), bar, lines or none (default: ${DEFAULT-VALUE}).")
        Mode mode = Mode.AUTO;
    }

    private static final int BAR_WIDTH = 30;
    private static final long REDRAW_NANOS = 100_000_000L;
    private static final long LINE_NANOS = 10_000_000_000L;

    private final PrintWriter err;
    private final Mode mode;
    private final String label;
    private long total;
    private long lastDrawNanos;
    private long lastTenth = -1;
    private String drawn = "";
    private long done;
    private String detail = "";

    /**
     * @param label what is counted ("frames", "step")
     * @param total how many there will be; 0 or less when unknown
     */
    Progress(Mode mode, boolean errIsTerminal, PrintWriter err, String label, long total) {
        this.mode = mode == Mode.AUTO ? (errIsTerminal ? Mode.BAR : Mode.LINES) : mode;
        this.err = err;
        this.label = label;
        this.total = total;
    }

    /** Sets the total once it is known (a training run's steps, from its first progress event). */
    synchronized void total(long total) {
        this.total = total;
    }

    synchronized void update(long done, String detail) {
        this.done = done;
        this.detail = detail;
        long now = System.nanoTime();
        if (mode == Mode.BAR) {
            if (now - lastDrawNanos >= REDRAW_NANOS) {
                redraw(now);
            }
        } else if (mode == Mode.LINES) {
            long tenth = total > 0 ? done * 10 / total : -1;
            if ((tenth != lastTenth && tenth < 10) || now - lastDrawNanos >= LINE_NANOS) {
                lastTenth = tenth;
                lastDrawNanos = now;
                err.println(text(false));
                err.flush();
            }
        }
    }

    /** A message on its own line; the bar, if any, is drawn again below it. */
    synchronized void note(String message) {
        if (mode == Mode.BAR && !drawn.isEmpty()) {
            err.print("\r" + " ".repeat(drawn.length()) + "\r");
            err.println(message);
            drawn = "";
            redraw(System.nanoTime());
        } else {
            err.println(message);
        }
        err.flush();
    }

    /** The final count, drawn once more and ended with a line break. */
    synchronized void finish(long done, String detail) {
        this.done = done;
        this.detail = detail;
        finish();
    }

    /** The last state given, drawn once more and ended with a line break. */
    synchronized void finish() {
        if (mode == Mode.BAR) {
            redraw(System.nanoTime());
            err.println();
            drawn = "";
        } else if (mode == Mode.LINES) {
            err.println(text(false));
        }
        err.flush();
    }

    private void redraw(long now) {
        String line = text(true);
        err.print("\r" + line + " ".repeat(Math.max(0, drawn.length() - line.length())));
        err.flush();
        drawn = line;
        lastDrawNanos = now;
    }

    /** "frames [#######.......] 45/100 45% 12.3/s" (the bar only in place). */
    String text(boolean withBar) {
        StringBuilder s = new StringBuilder(label);
        if (total > 0) {
            long shown = Math.min(done, total);
            if (withBar) {
                int filled = (int) (BAR_WIDTH * shown / total);
                s.append(" [").append("#".repeat(filled)).append(".".repeat(BAR_WIDTH - filled)).append(']');
            }
            s.append(' ').append(done).append('/').append(total).append(' ').append(100 * shown / total).append('%');
        } else {
            s.append(' ').append(done);
        }
        if (!detail.isEmpty()) {
            s.append("  ").append(detail);
        }
        return s.toString();
    }
}
