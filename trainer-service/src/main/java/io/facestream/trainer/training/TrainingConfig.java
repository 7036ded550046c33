package io.facestream.trainer.training;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.facestream.model.FaceModelSpec;
import io.facestream.model.head.HeadConfig;
import io.facestream.model.head.HeadType;
import io.facestream.trainer.data.Augmentation;
import io.facestream.trainer.tf.OptimizerSettings;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A training run's settings under JHFace's (arcface-tf2's) configuration names, plus what JHFace fixes in code
 * (SGD momentum and Nesterov) and what a service needs (learning-rate decay, step limit, validation, early
 * stopping, seed). {@link #builder()} and the JSON form start from the defaults.
 *
 * @param batchSize            batch_size (JHFace: 128)
 * @param inputSize            input_size, square pixels (112)
 * @param embdShape            embd_shape, embedding units (512)
 * @param headType             head_type: JHFace's ArcHead, CosHead, SphereHead, NormHead, or a {@link HeadType} name
 * @param backboneType         backbone_type, a zoo name (ResNet50)
 * @param wDecay               w_decay, L2 factor on the embedding Dense kernel and NormHead's kernel (5e-4)
 * @param baseLr               base_lr (0.01)
 * @param margin               margin; null for the head's default
 * @param logistScale          logist_scale; null for the head's default
 * @param epochs               epochs (5)
 * @param saveSteps            save_steps: a checkpoint every this many steps (1000)
 * @param isCcrop              is_ccrop: random crop augmentation (false)
 * @param binaryImg            binary_img: TFRecords hold image bytes (true) or image paths (false); read by the
 *                             TFRecord source, not by the trainer
 * @param isAdam               is_Adam: Adam instead of SGD (false)
 * @param alpha                backbone width multiplier (1.0)
 * @param momentum             SGD momentum (JHFace: 0.9)
 * @param nesterov             SGD Nesterov (JHFace: true)
 * @param lrDecaySteps         exponential decay period in steps; 0 for one epoch
 * @param lrDecayRate          learning rate factor per period, staircase: lr = base_lr * rate^floor(step / period);
 *                             1 keeps it constant
 * @param maxSteps             stop after this many steps in all (0: epochs decide)
 * @param validationFraction   share of each identity's images held out for validation (0.1; 0 for none)
 * @param patience             stop when the validation loss has not improved for this many epochs (0: never)
 * @param seed                 seeds initial weights, split, shuffling, augmentation and dropout
 * @param minImagesPerIdentity identities with fewer images are left out (1)
 * @param dropout              dropout rate of JHFace's output layer (0.5)
 * @param bnMomentum           bn_momentum: overrides every batch norm's moving-average momentum during training;
 *                             null keeps the backbone's own (Keras' MobileNetV2 0.999 needs thousands of steps
 *                             before inference-mode statistics are usable; 0.9 settles in tens)
 */
public record TrainingConfig(
        @JsonProperty("batch_size") int batchSize,
        @JsonProperty("input_size") int inputSize,
        @JsonProperty("embd_shape") int embdShape,
        @JsonProperty("head_type") String headType,
        @JsonProperty("backbone_type") String backboneType,
        @JsonProperty("w_decay") double wDecay,
        @JsonProperty("base_lr") double baseLr,
        @JsonProperty("margin") Double margin,
        @JsonProperty("logist_scale") Double logistScale,
        @JsonProperty("epochs") int epochs,
        @JsonProperty("save_steps") int saveSteps,
        @JsonProperty("is_ccrop") boolean isCcrop,
        @JsonProperty("binary_img") boolean binaryImg,
        @JsonProperty("is_Adam") boolean isAdam,
        @JsonProperty("alpha") double alpha,
        @JsonProperty("momentum") double momentum,
        @JsonProperty("nesterov") boolean nesterov,
        @JsonProperty("lr_decay_steps") int lrDecaySteps,
        @JsonProperty("lr_decay_rate") double lrDecayRate,
        @JsonProperty("max_steps") long maxSteps,
        @JsonProperty("validation_fraction") double validationFraction,
        @JsonProperty("patience") int patience,
        @JsonProperty("seed") long seed,
        @JsonProperty("min_images_per_identity") int minImagesPerIdentity,
        @JsonProperty("dropout") double dropout,
        @JsonProperty("bn_momentum") Double bnMomentum) {

    /** JHFace's head_type names. */
    private static final Map<String, HeadType> JHFACE_HEADS = Map.of(
            "archead", HeadType.ARCFACE,
            "coshead", HeadType.COSFACE,
            "spherehead", HeadType.SPHEREFACE,
            "normhead", HeadType.SOFTMAX);

    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);

    public TrainingConfig {
        requirePositive("batch_size", batchSize);
        requirePositive("epochs", epochs);
        requirePositive("save_steps", saveSteps);
        requirePositive("min_images_per_identity", minImagesPerIdentity);
        if (!(baseLr > 0) || !Double.isFinite(baseLr)) {
            throw new IllegalArgumentException("base_lr must be positive, got " + baseLr);
        }
        if (lrDecaySteps < 0) {
            throw new IllegalArgumentException("lr_decay_steps must not be negative, got " + lrDecaySteps);
        }
        if (!(lrDecayRate > 0 && lrDecayRate <= 1)) {
            throw new IllegalArgumentException("lr_decay_rate must be in (0, 1], got " + lrDecayRate);
        }
        if (maxSteps < 0 || patience < 0) {
            throw new IllegalArgumentException("max_steps and patience must not be negative");
        }
        if (!(validationFraction >= 0 && validationFraction < 1)) {
            throw new IllegalArgumentException("validation_fraction must be in [0, 1), got " + validationFraction);
        }
        if (bnMomentum != null && !(bnMomentum >= 0 && bnMomentum < 1)) {
            throw new IllegalArgumentException("bn_momentum must be in [0, 1), got " + bnMomentum);
        }
        // the model's and optimizer's own checks (backbone, alpha, sizes, w_decay, dropout, margin, scale,
        // momentum) with their messages; the fields are not assigned yet, so through the parameters
        new FaceModelSpec(backboneType, alpha, inputSize, embdShape, dropout, wDecay,
                head(headType, margin, logistScale, 3), null);
        OptimizerSettings.sgd(momentum, nesterov);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** JSON form (JHFace's names): any name left out takes its default, as in {@link #builder()}. */
    @JsonCreator
    static TrainingConfig fromJsonFields(
            @JsonProperty("batch_size") Integer batchSize,
            @JsonProperty("input_size") Integer inputSize,
            @JsonProperty("embd_shape") Integer embdShape,
            @JsonProperty("head_type") String headType,
            @JsonProperty("backbone_type") String backboneType,
            @JsonProperty("w_decay") Double wDecay,
            @JsonProperty("base_lr") Double baseLr,
            @JsonProperty("margin") Double margin,
            @JsonProperty("logist_scale") Double logistScale,
            @JsonProperty("epochs") Integer epochs,
            @JsonProperty("save_steps") Integer saveSteps,
            @JsonProperty("is_ccrop") Boolean isCcrop,
            @JsonProperty("binary_img") Boolean binaryImg,
            @JsonProperty("is_Adam") Boolean isAdam,
            @JsonProperty("alpha") Double alpha,
            @JsonProperty("momentum") Double momentum,
            @JsonProperty("nesterov") Boolean nesterov,
            @JsonProperty("lr_decay_steps") Integer lrDecaySteps,
            @JsonProperty("lr_decay_rate") Double lrDecayRate,
            @JsonProperty("max_steps") Long maxSteps,
            @JsonProperty("validation_fraction") Double validationFraction,
            @JsonProperty("patience") Integer patience,
            @JsonProperty("seed") Long seed,
            @JsonProperty("min_images_per_identity") Integer minImagesPerIdentity,
            @JsonProperty("dropout") Double dropout,
            @JsonProperty("bn_momentum") Double bnMomentum) {
        Builder b = builder();
        setIfGiven(batchSize, b::batchSize);
        setIfGiven(inputSize, b::inputSize);
        setIfGiven(embdShape, b::embdShape);
        setIfGiven(headType, b::headType);
        setIfGiven(backboneType, b::backboneType);
        setIfGiven(wDecay, b::wDecay);
        setIfGiven(baseLr, b::baseLr);
        setIfGiven(margin, b::margin);
        setIfGiven(logistScale, b::logistScale);
        setIfGiven(epochs, b::epochs);
        setIfGiven(saveSteps, b::saveSteps);
        setIfGiven(isCcrop, b::isCcrop);
        setIfGiven(binaryImg, b::binaryImg);
        setIfGiven(isAdam, b::isAdam);
        setIfGiven(alpha, b::alpha);
        setIfGiven(momentum, b::momentum);
        setIfGiven(nesterov, b::nesterov);
        setIfGiven(lrDecaySteps, b::lrDecaySteps);
        setIfGiven(lrDecayRate, b::lrDecayRate);
        setIfGiven(maxSteps, b::maxSteps);
        setIfGiven(validationFraction, b::validationFraction);
        setIfGiven(patience, b::patience);
        setIfGiven(seed, b::seed);
        setIfGiven(minImagesPerIdentity, b::minImagesPerIdentity);
        setIfGiven(dropout, b::dropout);
        setIfGiven(bnMomentum, b::bnMomentum);
        return b.build();
    }

    private static <T> void setIfGiven(T value, Consumer<T> setter) {
        if (value != null) {
            setter.accept(value);
        }
    }

    /** The head kind head_type names, accepting JHFace's names and {@link HeadType}'s, in any case. */
    public static HeadType headType(String name) {
        if (name == null) {
            throw new IllegalArgumentException("head_type is required");
        }
        String key = name.toLowerCase(Locale.ROOT);
        if (JHFACE_HEADS.containsKey(key)) {
            return JHFACE_HEADS.get(key);
        }
        for (HeadType type : HeadType.values()) {
            if (type.name().equalsIgnoreCase(name)) {
                return type;
            }
        }
        throw new IllegalArgumentException("unknown head_type '" + name + "': one of ArcHead, CosHead, SphereHead, "
                + "NormHead or " + List.of(HeadType.values()));
    }

    /**
     * The head for this many classes. NormHead (SOFTMAX) has neither margin nor scale and ignores them, as JHFace
     * does; ADACOS has no margin and takes logist_scale, if given, as its starting scale.
     */
    public HeadConfig head(int numClasses) {
        return head(headType, margin, logistScale, numClasses);
    }

    private static HeadConfig head(String headType, Double margin, Double logistScale, int numClasses) {
        HeadType type = headType(headType);
        HeadConfig defaults = HeadConfig.defaults(type, numClasses);
        return switch (type) {
            case SOFTMAX -> defaults;
            case ADACOS -> new HeadConfig(type, numClasses, 0, logistScale != null ? logistScale : defaults.scale(),
                    0);
            default -> new HeadConfig(type, numClasses, margin != null ? margin : defaults.margin(),
                    logistScale != null ? logistScale : defaults.scale(), defaults.momentum());
        };
    }

    /** JHFace's ArcFaceModel for this many classes, with the default [-1, 1] preprocessing. */
    public FaceModelSpec modelSpec(int numClasses) {
        return new FaceModelSpec(backboneType, alpha, inputSize, embdShape, dropout, wDecay, head(numClasses), null);
    }

    public OptimizerSettings optimizer() {
        return isAdam ? OptimizerSettings.adam() : OptimizerSettings.sgd(momentum, nesterov);
    }

    public Augmentation augmentation() {
        return Augmentation.jhFace(isCcrop);
    }

    /** Exponential decay, staircase: base_lr * lr_decay_rate^floor(step / period). */
    public double learningRate(long step, int stepsPerEpoch) {
        long period = lrDecaySteps > 0 ? lrDecaySteps : stepsPerEpoch;
        return baseLr * Math.pow(lrDecayRate, Math.floorDiv(step, period));
    }

    public JsonNode toJson() {
        return JSON.valueToTree(this);
    }

    /**
     * Parses the JSON form (JHFace's names, any left out at its default); unknown names and invalid values are
     * IllegalArgumentExceptions.
     */
    public static TrainingConfig fromJson(String json) {
        try {
            return JSON.readValue(json, TrainingConfig.class);
        } catch (JsonProcessingException e) {
            Throwable cause = e.getCause();
            throw new IllegalArgumentException("not a valid training config: "
                    + (cause instanceof IllegalArgumentException ? cause.getMessage() : e.getOriginalMessage()), e);
        }
    }

    private static void requirePositive(String name, long value) {
        if (value < 1) {
            throw new IllegalArgumentException(name + " must be at least 1, got " + value);
        }
    }

    /** Starts from JHFace's defaults (and the service's for what JHFace does not configure). */
    public static final class Builder {
        private int batchSize = 128;
        private int inputSize = 112;
        private int embdShape = 512;
        private String headType = "ArcHead";
        private String backboneType = "ResNet50";
        private double wDecay = 5e-4;
        private double baseLr = 0.01;
        private Double margin;
        private Double logistScale;
        private int epochs = 5;
        private int saveSteps = 1000;
        private boolean isCcrop;
        private boolean binaryImg = true;
        private boolean isAdam;
        private double alpha = 1.0;
        private double momentum = 0.9;
        private boolean nesterov = true;
        private int lrDecaySteps;
        private double lrDecayRate = 1.0;
        private long maxSteps;
        private double validationFraction = 0.1;
        private int patience;
        private long seed = 42;
        private int minImagesPerIdentity = 1;
        private double dropout = FaceModelSpec.DEFAULT_DROPOUT;
        private Double bnMomentum;

        public Builder batchSize(int v) { batchSize = v; return this; }
        public Builder inputSize(int v) { inputSize = v; return this; }
        public Builder embdShape(int v) { embdShape = v; return this; }
        public Builder headType(String v) { headType = v; return this; }
        public Builder backboneType(String v) { backboneType = v; return this; }
        public Builder wDecay(double v) { wDecay = v; return this; }
        public Builder baseLr(double v) { baseLr = v; return this; }
        public Builder margin(Double v) { margin = v; return this; }
        public Builder logistScale(Double v) { logistScale = v; return this; }
        public Builder epochs(int v) { epochs = v; return this; }
        public Builder saveSteps(int v) { saveSteps = v; return this; }
        public Builder isCcrop(boolean v) { isCcrop = v; return this; }
        public Builder binaryImg(boolean v) { binaryImg = v; return this; }
        public Builder isAdam(boolean v) { isAdam = v; return this; }
        public Builder alpha(double v) { alpha = v; return this; }
        public Builder momentum(double v) { momentum = v; return this; }
        public Builder nesterov(boolean v) { nesterov = v; return this; }
        public Builder lrDecaySteps(int v) { lrDecaySteps = v; return this; }
        public Builder lrDecayRate(double v) { lrDecayRate = v; return this; }
        public Builder maxSteps(long v) { maxSteps = v; return this; }
        public Builder validationFraction(double v) { validationFraction = v; return this; }
        public Builder patience(int v) { patience = v; return this; }
        public Builder seed(long v) { seed = v; return this; }
        public Builder minImagesPerIdentity(int v) { minImagesPerIdentity = v; return this; }
        public Builder dropout(double v) { dropout = v; return this; }
        public Builder bnMomentum(Double v) { bnMomentum = v; return this; }

        public TrainingConfig build() {
            return new TrainingConfig(batchSize, inputSize, embdShape, headType, backboneType, wDecay, baseLr, margin,
                    logistScale, epochs, saveSteps, isCcrop, binaryImg, isAdam, alpha, momentum, nesterov,
                    lrDecaySteps, lrDecayRate, maxSteps, validationFraction, patience, seed, minImagesPerIdentity,
                    dropout, bnMomentum);
        }
    }
}
