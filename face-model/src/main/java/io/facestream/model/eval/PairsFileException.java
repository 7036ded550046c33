package io.facestream.model.eval;

import java.io.IOException;
import java.nio.file.Path;

/** A pairs file that cannot be used: malformed content (with the line when there is one) or missing images. */
public class PairsFileException extends IOException {

    private final Path file;
    private final int line;

    /** A problem with the file as a whole (line 0) or with one line (1-based). */
    public PairsFileException(Path file, int line, String detail) {
        this(file, line, detail, null);
    }

    public PairsFileException(Path file, int line, String detail, Throwable cause) {
        super(file + (line > 0 ? ":" + line : "") + ": " + detail, cause);
        this.file = file;
        this.line = line;
    }

    public Path file() {
        return file;
    }

    /** 1-based line number of the problem, 0 when it concerns no single line. */
    public int line() {
        return line;
    }
}
