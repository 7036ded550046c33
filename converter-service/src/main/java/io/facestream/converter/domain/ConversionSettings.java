package io.facestream.converter.domain;

import io.facestream.tflite.lower.Precision;

/**
 * What a conversion produces and what becomes of it.
 *
 * @param modelName  the name the artifact is published under (the key on models.artifacts)
 * @param version    the artifact's version (unique: embedders and galleries tell models apart by it)
 * @param precision  the numeric format
 * @param uint8Input int8 only: the model takes uint8 pixels instead of float values (JHFace's int8 recipe)
 * @param publish    whether a model that passes validation is announced on models.artifacts
 * @param bounds     the quality bounds it must meet
 */
public record ConversionSettings(String modelName, String version, Precision precision, boolean uint8Input,
                                 boolean publish, QualityBounds bounds) {

    public ConversionSettings {
        if (modelName == null || version == null || precision == null || bounds == null) {
            throw new IllegalArgumentException("modelName, version, precision and bounds are required");
        }
        if (uint8Input && precision != Precision.INT8) {
            throw new IllegalArgumentException("uint8Input applies to int8 conversion only, not "
                    + Quantization.name(precision));
        }
    }

    public String quantization() {
        return Quantization.name(precision);
    }
}
