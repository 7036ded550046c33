package io.facestream.trainer.domain;

/**
 * The verification set each checkpoint is measured on.
 *
 * @param path       an LFW pairs file (pairs.txt, pairsDevTrain.txt) or an insightface / arcface-tf2 .bin set
 * @param imagesRoot the folder of an LFW pairs file's person folders; null for a .bin
 */
public record PairsSpec(String path, String imagesRoot) {
}
