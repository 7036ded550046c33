package io.facestream.model.zoo;

import io.facestream.model.FaceModelSpec;
import io.facestream.model.graph.ModelGraph;
import io.facestream.model.head.HeadConfig;
import io.facestream.model.head.HeadType;

/**
 * Prints the README's backbone table: each backbone's parameter count alone and as a 112x112 face model with
 * JHFace's 512-d output layer (the head's [512, classes] matrix comes on top of that). Run with
 * {@code java -cp face-model/target/classes:<jackson> io.facestream.model.zoo.ZooTable} or through Maven:
 * {@code mvn -q -pl face-model exec:java -Dexec.mainClass=io.facestream.model.zoo.ZooTable}.
 */
public final class ZooTable {

    private ZooTable() {
    }

    public static void main(String[] args) {
        int inputSize = args.length > 0 ? Integer.parseInt(args[0]) : 112;
        System.out.println("| backbone | backbone parameters | feature map at " + inputSize
                + " | face model parameters (" + inputSize + "x" + inputSize + ", 512-d output layer) |");
        System.out.println("|---|---:|---|---:|");
        for (String name : BackboneZoo.names()) {
            ModelGraph backbone = BackboneZoo.backboneOnly(name, inputSize, BackboneOptions.DEFAULT);
            ModelGraph face = FaceModelSpec.of(name, 1.0, inputSize, HeadConfig.defaults(HeadType.ARCFACE, 2))
                    .embeddingGraph();
            System.out.printf("| %s | %,d | %s | %,d |%n", name, backbone.parameterCount(),
                    backbone.outputShape(), face.parameterCount());
        }
    }
}
