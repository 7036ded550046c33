package io.facestream.cli;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

import java.util.Locale;

/** A publishing pace in records a second, written "10/s" or "10" (fractions allowed: "0.5/s"). */
record Rate(double perSecond) {

    static final double MAX = 100_000;

    Rate {
        if (!(perSecond > 0) || perSecond > MAX) {
            throw new IllegalArgumentException("a rate must be above 0 and at most " + (long) MAX + " a second");
        }
    }

    static Rate parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (t.endsWith("/s")) {
            t = t.substring(0, t.length() - 2).trim();
        }
        double value;
        try {
            value = Double.parseDouble(t);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is not a rate: write records a second, e.g. 10/s");
        }
        try {
            return new Rate(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + text + "': " + e.getMessage());
        }
    }

    /** The gap between two records. */
    long intervalNanos() {
        return (long) (1e9 / perSecond);
    }

    /** picocli's hook: a bad rate is a usage error with the reason. */
    static final class Converter implements ITypeConverter<Rate> {
        @Override
        public Rate convert(String value) {
            try {
                return parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }
}
