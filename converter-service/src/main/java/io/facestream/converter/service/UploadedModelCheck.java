package io.facestream.converter.service;

import io.facestream.tflite.inspect.ModelInspector;
import io.facestream.tflite.inspect.ModelReport;
import io.facestream.tflite.runtime.TfliteEmbedder;
import io.facestream.tflite.runtime.TfliteModelException;
import io.facestream.tflite.runtime.TfliteOptions;

import java.util.List;

/**
 * Decides whether uploaded bytes are a face-embedding model the embedders can serve: they pass TFLite's FlatBuffer
 * verifier, every operator is one the runtime has, the interpreter builds, there is exactly one float32 image
 * input [1, S, S, 3] and one float32 vector output [1, E], and an inference on a mid-range input (all values 0)
 * gives finite values. Each refusal is an {@link InvalidRequestException} saying why.
 */
public final class UploadedModelCheck {

    /**
     * A model that passed.
     *
     * @param quantization int8 (int8 activations), dynamic-range (int8 weights, float activations), float16
     *                     (float16 weights) or float32, read from its tensors
     */
    public record Checked(int inputSize, int embeddingSize, String quantization, ModelReport report) {
    }

    private UploadedModelCheck() {
    }

    public static Checked check(byte[] bytes) {
        ModelReport report;
        try {
            report = ModelInspector.inspect(bytes, "the uploaded model");
        } catch (TfliteModelException e) {
            throw new InvalidRequestException(e.getMessage());
        }
        List<String> custom = report.operators().stream().map(ModelReport.Operator::opcode)
                .filter(op -> op.startsWith("CUSTOM")).distinct().toList();
        if (!custom.isEmpty()) {
            throw new InvalidRequestException("the uploaded model uses operators the TFLite runtime does not have: "
                    + custom);
        }
        if (report.inputs().length != 1 || report.outputs().length != 1) {
            throw new InvalidRequestException("the uploaded model has " + report.inputs().length + " inputs and "
                    + report.outputs().length + " outputs; a face-embedding model has one image input and one "
                    + "embedding output");
        }
        try (TfliteEmbedder model = TfliteEmbedder.load(bytes, TfliteOptions.DEFAULT)) {
            if (model.takesPixels()) {
                throw new InvalidRequestException("the uploaded model takes uint8 pixels; embedders feed float32 "
                        + "values through the declared preprocessing, so the input must be float32");
            }
            int h = model.inputHeight();
            int w = model.inputWidth();
            if (model.inputChannels() != 3 || h != w) {
                throw new InvalidRequestException("the uploaded model's input is [1, " + h + ", " + w + ", "
                        + model.inputChannels() + "]; a face image input is [1, S, S, 3]");
            }
            float[] out = model.embed(new float[model.imageLength()]);
            for (float v : out) {
                if (!Float.isFinite(v)) {
                    throw new InvalidRequestException("the uploaded model gives non-finite values on an input of "
                            + "zeros");
                }
            }
            return new Checked(h, model.embeddingSize(), quantization(report), report);
        } catch (TfliteModelException e) {
            throw new InvalidRequestException(e.getMessage());
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new InvalidRequestException("the uploaded model does not run: " + e.getMessage());
        }
    }

    private static String quantization(ModelReport report) {
        boolean int8Activations = false;
        boolean int8Weights = false;
        boolean float16Weights = false;
        for (ModelReport.TensorEntry t : report.tensors()) {
            boolean eightBit = t.type().equals("INT8") || t.type().equals("UINT8");
            if (eightBit && !t.isConstant()) {
                int8Activations = true;
            } else if (eightBit) {
                int8Weights = true;
            } else if (t.type().equals("FLOAT16") && t.isConstant()) {
                float16Weights = true;
            }
        }
        if (int8Activations) {
            return "int8";
        }
        if (int8Weights) {
            return "dynamic-range";
        }
        return float16Weights ? "float16" : "float32";
    }
}
