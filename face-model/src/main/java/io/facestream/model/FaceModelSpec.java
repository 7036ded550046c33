package io.facestream.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.facestream.model.graph.GraphBuilder;
import io.facestream.model.graph.GraphBuilder.T;
import io.facestream.model.graph.ModelGraph;
import io.facestream.model.head.HeadConfig;
import io.facestream.model.image.Preprocessing;
import io.facestream.model.zoo.BackboneOptions;
import io.facestream.model.zoo.BackboneZoo;

/**
 * Everything that defines a face model: the backbone, the embedding output layer, the training head and the
 * preprocessing its input needs. It is JHFace's ArcFaceModel(size, backbone_type, embd_shape, w_decay, head_type,
 * margin, logist_scale) as a value, kept in checkpoints and artifacts.
 *
 * @param backboneType  a name from {@link BackboneZoo#names()}
 * @param alpha         the backbone's width multiplier (1.0 for families without one)
 * @param inputSize     square input side in pixels
 * @param embeddingSize units of the embedding (JHFace's embd_shape, default 512)
 * @param dropout       the output layer's dropout rate while training (default 0.5)
 * @param weightDecay   L2 factor on the output layer's dense kernel, added to the loss as weightDecay * sum(w^2)
 *                      (Keras' l2(w_decay) regulariser; JHFace's default 5e-4)
 * @param head          the training head
 * @param preprocessing how pixels become input values (default {@link Preprocessing#minusOneToOne}, JHFace's
 *                      training range)
 */
public record FaceModelSpec(String backboneType, double alpha, int inputSize, int embeddingSize, double dropout,
                            double weightDecay, HeadConfig head, Preprocessing preprocessing) {

    public static final int DEFAULT_EMBEDDING_SIZE = 512;
    public static final double DEFAULT_DROPOUT = 0.5;
    public static final double DEFAULT_WEIGHT_DECAY = 5e-4;
    /** The graph's input node, JHFace's Input name. */
    public static final String INPUT_NODE = "input_image";
    /** Prefix of the output layer's nodes (JHFace wraps them in a sub-model named OutputLayer). */
    public static final String OUTPUT_LAYER = "OutputLayer_";
    /** Keras BatchNormalization defaults, which JHFace's output layer uses. */
    public static final double OUTPUT_BN_EPSILON = 1e-3;
    public static final double OUTPUT_BN_MOMENTUM = 0.99;

    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);

    public FaceModelSpec {
        if (backboneType == null || !BackboneZoo.names().contains(backboneType)) {
            throw new IllegalArgumentException("unknown backbone '" + backboneType + "'; known: "
                    + BackboneZoo.names());
        }
        new BackboneOptions(alpha); // validates alpha with its message
        if (inputSize < 16 || inputSize > 1024) {
            throw new IllegalArgumentException("inputSize must be in 16..1024, got " + inputSize);
        }
        if (embeddingSize < 2 || embeddingSize > 65536) {
            throw new IllegalArgumentException("embeddingSize must be in 2..65536, got " + embeddingSize);
        }
        if (!(dropout >= 0 && dropout < 1)) {
            throw new IllegalArgumentException("dropout must be in [0, 1), got " + dropout);
        }
        if (!(weightDecay >= 0 && weightDecay < 1)) {
            throw new IllegalArgumentException("weightDecay must be in [0, 1), got " + weightDecay);
        }
        if (head == null) {
            throw new IllegalArgumentException("a head is required");
        }
        if (preprocessing == null) {
            preprocessing = Preprocessing.minusOneToOne(inputSize);
        } else if (preprocessing.inputSize() != inputSize) {
            throw new IllegalArgumentException("preprocessing.inputSize " + preprocessing.inputSize()
                    + " differs from inputSize " + inputSize);
        }
    }

    /** A spec with the default embedding size, dropout, weight decay and preprocessing. */
    public static FaceModelSpec of(String backboneType, double alpha, int inputSize, HeadConfig head) {
        return new FaceModelSpec(backboneType, alpha, inputSize, DEFAULT_EMBEDDING_SIZE, DEFAULT_DROPOUT,
                DEFAULT_WEIGHT_DECAY, head, null);
    }

    /** JSON form: alpha, embeddingSize, dropout, weightDecay and preprocessing may be left out for their defaults. */
    @JsonCreator
    static FaceModelSpec fromJsonFields(@JsonProperty("backboneType") String backboneType,
                                        @JsonProperty("alpha") Double alpha,
                                        @JsonProperty("inputSize") Integer inputSize,
                                        @JsonProperty("embeddingSize") Integer embeddingSize,
                                        @JsonProperty("dropout") Double dropout,
                                        @JsonProperty("weightDecay") Double weightDecay,
                                        @JsonProperty("head") HeadConfig head,
                                        @JsonProperty("preprocessing") Preprocessing preprocessing) {
        if (inputSize == null) {
            throw new IllegalArgumentException("inputSize is required");
        }
        return new FaceModelSpec(backboneType,
                alpha != null ? alpha : 1.0,
                inputSize,
                embeddingSize != null ? embeddingSize : DEFAULT_EMBEDDING_SIZE,
                dropout != null ? dropout : DEFAULT_DROPOUT,
                weightDecay != null ? weightDecay : DEFAULT_WEIGHT_DECAY,
                head, preprocessing);
    }

    public String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise " + this, e);
        }
    }

    /** Parses and validates; a bad or incomplete spec is an IllegalArgumentException saying why. */
    public static FaceModelSpec fromJson(String json) {
        try {
            return JSON.readValue(json, FaceModelSpec.class);
        } catch (JsonProcessingException e) {
            Throwable cause = e.getCause();
            while (cause != null && !(cause instanceof IllegalArgumentException)) {
                cause = cause.getCause();
            }
            String reason = cause != null ? cause.getMessage() : e.getOriginalMessage();
            throw new IllegalArgumentException("not a valid face model spec: " + reason, e);
        }
    }

    /**
     * The embedding model: input "input_image" (inputSize, inputSize, 3), the backbone, then JHFace's OutputLayer:
     * BatchNorm, Dropout, Flatten, Dense(embeddingSize, with bias), BatchNorm (Keras defaults, epsilon 1e-3,
     * momentum 0.99). Its output is the last BatchNorm, not L2-normalised: serving normalises.
     * Throws IllegalArgumentException when the backbone cannot take this alpha or input size.
     */
    public ModelGraph embeddingGraph() {
        GraphBuilder b = new GraphBuilder();
        T input = b.input(INPUT_NODE, inputSize, inputSize, 3);
        T features;
        try {
            features = BackboneZoo.get(backboneType).build(b, input, new BackboneOptions(alpha));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(backboneType + " (alpha " + alpha + ", input " + inputSize + "): "
                    + e.getMessage(), e);
        }
        T x = b.batchNorm(OUTPUT_LAYER + "output_batch_norm_1", features, OUTPUT_BN_EPSILON, OUTPUT_BN_MOMENTUM);
        x = b.dropout(OUTPUT_LAYER + "dropout", x, dropout);
        x = b.flatten(OUTPUT_LAYER + "flatten", x);
        x = b.dense(OUTPUT_LAYER + "dense", x, embeddingSize, true);
        x = b.batchNorm(OUTPUT_LAYER + "output_batch_norm_2", x, OUTPUT_BN_EPSILON, OUTPUT_BN_MOMENTUM);
        return b.build(backboneType + "_" + embeddingSize, x);
    }
}
