package io.facestream.converter.domain;

import io.facestream.tflite.lower.Precision;

import java.util.Locale;

/** The quantization names artifacts carry (ModelArtifactEvent.quantization) and requests use. */
public final class Quantization {

    private Quantization() {
    }

    public static String name(Precision precision) {
        return switch (precision) {
            case FLOAT32 -> "float32";
            case FLOAT16 -> "float16";
            case DYNAMIC_RANGE -> "dynamic-range";
            case INT8 -> "int8";
        };
    }

    /** Parses "int8", "float32", "float16", "dynamic-range" (or the enum names); IllegalArgumentException else. */
    public static Precision parse(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT).replace('_', '-');
        return switch (n) {
            case "int8" -> Precision.INT8;
            case "float32" -> Precision.FLOAT32;
            case "float16" -> Precision.FLOAT16;
            case "dynamic-range" -> Precision.DYNAMIC_RANGE;
            default -> throw new IllegalArgumentException("unknown precision '" + name
                    + "': one of int8, float32, float16, dynamic-range");
        };
    }
}
