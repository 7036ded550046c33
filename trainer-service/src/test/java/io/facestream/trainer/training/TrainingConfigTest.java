package io.facestream.trainer.training;

import io.facestream.model.head.HeadConfig;
import io.facestream.model.head.HeadType;
import io.facestream.trainer.tf.OptimizerSettings;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrainingConfigTest {

    /** A JHFace/arcface-tf2 yaml's settings, as JSON. */
    private static final String JHFACE = """
            {"batch_size": 64, "input_size": 112, "embd_shape": 512, "head_type": "ArcHead",
             "backbone_type": "MobileNetV2", "w_decay": 5e-4, "base_lr": 0.01, "margin": 0.5, "logist_scale": 64,
             "epochs": 10, "save_steps": 1000, "is_ccrop": true, "binary_img": false, "is_Adam": true,
             "alpha": 1.0, "momentum": 0.9, "nesterov": true, "lr_decay_steps": 0, "lr_decay_rate": 1.0,
             "max_steps": 0, "validation_fraction": 0.1, "patience": 3, "seed": 42, "min_images_per_identity": 1,
             "dropout": 0.5, "bn_momentum": 0.9}""";

    @Test
    void readsJhFaceNamesAndWritesThemBack() {
        TrainingConfig config = TrainingConfig.fromJson(JHFACE);
        assertEquals(64, config.batchSize());
        assertEquals(0.9, config.bnMomentum());
        assertTrue(config.isCcrop() && config.isAdam() && !config.binaryImg());
        assertEquals(OptimizerSettings.Kind.ADAM, config.optimizer().kind());
        assertTrue(config.augmentation().randomCrop());
        assertEquals(new HeadConfig(HeadType.ARCFACE, 10, 0.5, 64, 0), config.head(10));
        assertEquals(config, TrainingConfig.fromJson(config.toJson().toString()));
        assertTrue(config.toJson().has("is_Adam") && config.toJson().has("logist_scale"), config.toJson().toString());
        assertEquals(26, config.toJson().size(), "no extra properties: " + config.toJson());
        // names left out take their defaults
        TrainingConfig partial = TrainingConfig.fromJson("{\"backbone_type\": \"MobileFaceNet\", \"epochs\": 2}");
        assertEquals(TrainingConfig.builder().backboneType("MobileFaceNet").epochs(2).build(), partial);
    }

    @Test
    void headTypesTakeJhFaceAndEnumNames() {
        assertEquals(HeadType.COSFACE, TrainingConfig.headType("CosHead"));
        assertEquals(HeadType.SPHEREFACE, TrainingConfig.headType("spherehead"));
        assertEquals(HeadType.SOFTMAX, TrainingConfig.headType("NormHead"));
        assertEquals(HeadType.CURRICULARFACE, TrainingConfig.headType("CurricularFace"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TrainingConfig.headType("MagHead"));
        assertTrue(e.getMessage().contains("ArcHead"), e.getMessage());
        // NormHead has neither margin nor scale: a yaml's margin and logist_scale are ignored, as JHFace does
        TrainingConfig norm = TrainingConfig.builder().headType("NormHead").margin(0.5).logistScale(64.0).build();
        assertEquals(HeadConfig.defaults(HeadType.SOFTMAX, 5), norm.head(5));
        // left out, margin and scale take the head's defaults
        TrainingConfig cos = TrainingConfig.builder().headType("CosHead").build();
        assertNull(cos.margin());
        assertEquals(HeadConfig.defaults(HeadType.COSFACE, 7), cos.head(7));
    }

    @Test
    void theLearningRateDecaysInStairs() {
        TrainingConfig perEpoch = TrainingConfig.builder().baseLr(0.1).lrDecayRate(0.5).build();
        assertEquals(0.1, perEpoch.learningRate(0, 100), 1e-15);
        assertEquals(0.1, perEpoch.learningRate(99, 100), 1e-15);
        assertEquals(0.05, perEpoch.learningRate(100, 100), 1e-15);
        assertEquals(0.025, perEpoch.learningRate(250, 100), 1e-15);
        TrainingConfig fixedPeriod = TrainingConfig.builder().baseLr(0.1).lrDecayRate(0.9).lrDecaySteps(10).build();
        assertEquals(0.1 * 0.81, fixedPeriod.learningRate(25, 1000), 1e-15);
        assertEquals(0.1, TrainingConfig.builder().baseLr(0.1).build().learningRate(12345, 10), 0);
    }

    @Test
    void badSettingsAreRefusedWithTheirName() {
        assertMessage("batch_size", TrainingConfig.builder().batchSize(0));
        assertMessage("unknown backbone", TrainingConfig.builder().backboneType("ResNet9000"));
        assertMessage("ARCFACE margin", TrainingConfig.builder().margin(3.0));
        assertMessage("lr_decay_rate", TrainingConfig.builder().lrDecayRate(1.5));
        assertMessage("validation_fraction", TrainingConfig.builder().validationFraction(1));
        assertMessage("bn_momentum", TrainingConfig.builder().bnMomentum(1.0));
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> TrainingConfig.fromJson("{\"batch_sise\": 3}"));
        assertTrue(unknown.getMessage().contains("batch_sise"), unknown.getMessage());
        assertFalse(TrainingConfig.builder().build().isAdam());
    }

    private static void assertMessage(String expected, TrainingConfig.Builder builder) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, builder::build);
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}
