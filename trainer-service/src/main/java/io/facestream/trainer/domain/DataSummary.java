package io.facestream.trainer.domain;

/**
 * What the latest attempt found in its data.
 *
 * @param source            the image source
 * @param classes           identities trained on (JHFace's num_classes)
 * @param trainingImages    images trained on (JHFace's dataset_len)
 * @param validationImages  images held out for validation
 * @param droppedIdentities identities left out for too few images
 * @param stepsPerEpoch     batches an epoch
 * @param totalSteps        the step the run ends at unless it stops early
 * @param pretrained        the pretrained weights' match summary, or null
 */
public record DataSummary(String source, int classes, int trainingImages, int validationImages,
                          int droppedIdentities, int stepsPerEpoch, long totalSteps, String pretrained) {
}
