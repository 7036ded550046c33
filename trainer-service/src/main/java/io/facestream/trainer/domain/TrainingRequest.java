package io.facestream.trainer.domain;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.facestream.trainer.training.TrainingConfig;

/**
 * A validated request to train: the JHFace configuration plus what the service adds.
 *
 * @param config             the training configuration (num_classes and dataset_len come from the data)
 * @param dataset            where the images come from
 * @param pretrainedH5       Keras .h5 weights to start from, or null
 * @param pairs              the verification set measured at each checkpoint, or null
 * @param holdOutPairsPeople leave the people the pairs file names out of training
 * @param modelName          the name the checkpoints are announced under (the converter's model name)
 * @param body               the request as it came, kept with the run so a restart or a resume reads it again
 */
public record TrainingRequest(TrainingConfig config, DatasetSpec dataset, String pretrainedH5, PairsSpec pairs,
                              boolean holdOutPairsPeople, String modelName, ObjectNode body) {
}
