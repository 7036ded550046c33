package io.facestream.converter.service;

import io.facestream.model.image.ImagePreprocessor;
import io.facestream.model.image.ImageRejectedException;

import java.util.ArrayList;
import java.util.List;

/**
 * Representative images as model inputs (through the checkpoint's own preprocessing), split into calibration
 * images and validation images, which int8 calibration never sees.
 *
 * @param calibration preprocessed calibration inputs
 * @param validation  preprocessed validation inputs
 * @param rejected    images that could not be decoded and were left out
 * @param source      where they came from
 */
public record SampleImages(List<float[]> calibration, List<float[]> validation, int rejected, String source) {

    /**
     * Decodes and preprocesses the images and splits them: validationCount of them (fewer, in proportion, when
     * fewer images exist, but at least one) spread evenly over the list, the rest (at most calibrationCount) for
     * calibration.
     */
    public static SampleImages prepare(List<byte[]> encoded, ImagePreprocessor preprocessor, int calibrationCount,
                                       int validationCount, String source) {
        List<float[]> tensors = new ArrayList<>();
        int rejected = 0;
        for (byte[] image : encoded) {
            try {
                tensors.add(preprocessor.toTensor(image));
            } catch (ImageRejectedException e) {
                rejected++;
            }
        }
        int total = tensors.size();
        if (total == 0) {
            throw new IllegalStateException("no usable images for calibration and validation from " + source
                    + " (" + encoded.size() + " found, " + rejected + " undecodable)");
        }
        int v = (int) Math.round((double) total * validationCount / (calibrationCount + validationCount));
        v = Math.max(1, Math.min(validationCount, v));
        List<float[]> calibration = new ArrayList<>();
        List<float[]> validation = new ArrayList<>();
        for (int i = 0; i < total; i++) {
            // image i is a validation image when the running share of validation images steps up at i
            boolean isValidation = (long) (i + 1) * v / total > (long) i * v / total;
            if (isValidation) {
                validation.add(tensors.get(i));
            } else if (calibration.size() < calibrationCount) {
                calibration.add(tensors.get(i));
            }
        }
        return new SampleImages(List.copyOf(calibration), List.copyOf(validation), rejected, source);
    }
}
