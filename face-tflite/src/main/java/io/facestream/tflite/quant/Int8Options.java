package io.facestream.tflite.quant;

import io.facestream.model.image.Preprocessing;

/**
 * Options of full-integer conversion. By default the model takes the same float input as the float model and
 * quantizes it inside (QUANTIZE). With uint8Input set the model takes raw pixels instead, as JHFace's int8 recipe
 * does (inference_input_type uint8): the input's scale and zero point are the preprocessing's (value = pixel *
 * scale + offset, zero point round(-offset / scale)), so callers feed the pixels in the model's colour order. For
 * [-1, 1] preprocessing the zero point 127.5 rounds to 128, shifting every input by half a step (0.004).
 *
 * @param uint8Input the preprocessing whose pixels the model takes, or null for float input
 */
public record Int8Options(Preprocessing uint8Input) {

    public static Int8Options floatInput() {
        return new Int8Options(null);
    }

    public static Int8Options uint8Input(Preprocessing preprocessing) {
        if (preprocessing == null) {
            throw new IllegalArgumentException("uint8 input needs the preprocessing that defines it");
        }
        return new Int8Options(preprocessing);
    }

    /** The uint8 input zero point: pixel value that means 0. */
    public long uint8ZeroPoint() {
        long zp = Math.round(-uint8Input.offset() / uint8Input.scale());
        if (uint8Input.scale() <= 0 || zp < 0 || zp > 255) {
            throw new IllegalArgumentException("preprocessing " + uint8Input + " is not a uint8 quantization "
                    + "(needs a positive scale and -offset/scale in 0..255)");
        }
        return zp;
    }
}
