package io.facestream.tflite.lower;

import io.facestream.tflite.quant.Int8Options;

import java.util.List;

/**
 * What {@link TfliteConverter#convert} writes.
 *
 * @param precision         the numeric format
 * @param calibrationInputs INT8 only: representative preprocessed inputs (each H * W * 3 floats, NHWC), typically
 *                          a few hundred face crops
 * @param int8              INT8 only: input options
 * @param threads           threads for calibration
 */
public record ConversionOptions(Precision precision, List<float[]> calibrationInputs, Int8Options int8,
                                int threads) {

    public ConversionOptions {
        if (precision == null) {
            throw new IllegalArgumentException("a precision is required");
        }
        if (precision == Precision.INT8 && (calibrationInputs == null || calibrationInputs.isEmpty())) {
            throw new IllegalArgumentException("int8 conversion needs calibration inputs");
        }
        calibrationInputs = calibrationInputs == null ? List.of() : List.copyOf(calibrationInputs);
        int8 = int8 == null ? Int8Options.floatInput() : int8;
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be positive, got " + threads);
        }
    }

    public static ConversionOptions float32() {
        return new ConversionOptions(Precision.FLOAT32, null, null, 1);
    }

    public static ConversionOptions float16() {
        return new ConversionOptions(Precision.FLOAT16, null, null, 1);
    }

    public static ConversionOptions dynamicRange() {
        return new ConversionOptions(Precision.DYNAMIC_RANGE, null, null, 1);
    }

    public static ConversionOptions int8(List<float[]> calibrationInputs) {
        return new ConversionOptions(Precision.INT8, calibrationInputs, null, 1);
    }

    public static ConversionOptions int8(List<float[]> calibrationInputs, Int8Options options) {
        return new ConversionOptions(Precision.INT8, calibrationInputs, options, 1);
    }
}
