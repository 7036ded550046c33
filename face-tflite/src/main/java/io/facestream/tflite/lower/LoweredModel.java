package io.facestream.tflite.lower;

import io.facestream.tflite.quant.ActivationRanges;
import io.facestream.tflite.quant.Calibrator;
import io.facestream.tflite.quant.DynamicRangeConversion;
import io.facestream.tflite.quant.Float16Conversion;
import io.facestream.tflite.quant.Int8Conversion;
import io.facestream.tflite.quant.Int8Options;

/**
 * A model graph lowered once to its float program, from which every precision is written. INT8 takes two steps so
 * that the calibration model can be the caller's own float32 file: {@link #calibrate} (or
 * {@link Calibrator#calibrate} on {@link #float32()}'s bytes), then {@link #int8}.
 */
public final class LoweredModel {

    private final TfliteProgram floatProgram;

    LoweredModel(TfliteProgram floatProgram) {
        this.floatProgram = floatProgram;
    }

    public TfliteProgram floatProgram() {
        return floatProgram;
    }

    public byte[] float32() {
        return FlatBufferWriter.write(floatProgram);
    }

    public byte[] float16() {
        return FlatBufferWriter.write(Float16Conversion.convert(floatProgram));
    }

    public byte[] dynamicRange() {
        return FlatBufferWriter.write(DynamicRangeConversion.convert(floatProgram));
    }

    /** Activation ranges of this model's float32 form over the inputs, measured in the TFLite runtime. */
    public ActivationRanges calibrate(Iterable<float[]> inputs, int threads) {
        return Calibrator.calibrate(float32(), inputs, threads);
    }

    /** The full-integer model, with ranges calibrated on this model's float32 form. */
    public byte[] int8(ActivationRanges ranges, Int8Options options) {
        return FlatBufferWriter.write(Int8Conversion.convert(floatProgram, ranges, options));
    }
}
