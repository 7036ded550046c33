package io.facestream.trainer.tf;

import io.facestream.model.FaceModelSpec;
import io.facestream.model.checkpoint.Checkpoint;
import io.facestream.model.checkpoint.FloatTensor;
import io.facestream.model.graph.Layer;
import io.facestream.model.graph.ModelGraph;
import io.facestream.model.graph.Node;
import io.facestream.model.graph.Shape;
import io.facestream.model.graph.WeightSpec;
import io.facestream.model.head.HeadConfig;
import io.facestream.model.head.HeadState;
import io.facestream.model.head.HeadType;
import io.facestream.model.pretrained.PretrainedWeights;
import io.facestream.model.pretrained.WeightMatchReport;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.op.train.ApplyMomentum;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A face model as a TensorFlow Java graph and session: the embedding graph lowered in inference mode (for
 * {@link #embed} and {@link #evaluate}) and, for a training model, lowered again in training mode with the head, the
 * softmax cross-entropy plus L2 weight decay, gradients from Graph.addGradients over the trainable weights and the
 * optimizer's apply ops.
 *
 * <p>Variables are plain VariableV2 read through Identity ops (the gradients are taken with respect to those reads).
 * The apply ops wait for every gradient, so no update overwrites a weight that a gradient op still reads. Each train
 * step also runs the batch-norm moving-average updates and the head's state update (CURRICULARFACE's t, ADACOS'
 * scale).
 *
 * <p>Tensors are named as in checkpoints: graph weights by {@link WeightSpec#qualifiedName()}, the head's under
 * "head/", optimizer slots as "optimizer/&lt;weight&gt;/&lt;slot&gt;". Not thread-safe: one caller at a time.
 */
public final class TfFaceModel implements AutoCloseable {

    /** One training step's figures: total loss (cross-entropy + weight decay), cross-entropy, correct predictions. */
    public record StepResult(double loss, double crossEntropy, int correct, int count) {
        public double accuracy() {
            return (double) correct / count;
        }
    }

    /** An inference-mode pass with labels: the summed cross-entropy (so batches add up) and correct predictions. */
    public record EvalResult(double crossEntropySum, int correct, int count) {
    }

    /** A variable with its read (Identity) and the feed + assign pair that loads a value into it. */
    private record TfVariable(String name, Shape shape, boolean trainable, Variable<TFloat32> variable,
                              Operand<TFloat32> read, Placeholder<TFloat32> feed, Op load) {
    }

    /** How many variables one session run loads or fetches, to bound the native memory of a transfer. */
    private static final int TRANSFER_CHUNK = 64;

    private final Graph graph;
    private final Session session;
    private final ModelGraph modelGraph;
    private final HeadConfig head;
    private final OptimizerSettings optimizer;
    private final Shape inputShape;
    private final int embeddingSize;
    private final Map<String, TfVariable> variables = new LinkedHashMap<>();
    private final Placeholder<TFloat32> images;
    private final Operand<TFloat32> inferenceEmbeddings;
    // training only (null in an inference model)
    private Placeholder<TInt32> labels;
    private Placeholder<TFloat32> learningRate;
    private Placeholder<TFloat32> beta1Power;
    private Placeholder<TFloat32> beta2Power;
    private Placeholder<TInt64> dropoutSeed;
    private Operand<TFloat32> loss;
    private Operand<TFloat32> crossEntropy;
    private Operand<TFloat32> correct;
    private Op trainOp;
    private Operand<TFloat32> evalCrossEntropySum;
    private Operand<TFloat32> evalCorrect;

    private TfFaceModel(ModelGraph modelGraph, HeadConfig head, double weightDecay, OptimizerSettings optimizer,
                        int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        this.modelGraph = modelGraph;
        this.head = head;
        this.optimizer = optimizer;
        this.inputShape = modelGraph.inputShape().requireRank(3);
        Shape output = modelGraph.outputShape();
        if (output.rank() != 1) {
            throw new IllegalArgumentException("the model must output a vector per image, got " + output);
        }
        this.embeddingSize = output.channels();
        this.graph = new Graph();
        try {
            Ops tf = Ops.create(graph);
            images = tf.placeholder(TFloat32.class, Placeholder.shape(org.tensorflow.ndarray.Shape.of(-1,
                    inputShape.height(), inputShape.width(), inputShape.channels())));
            for (WeightSpec w : modelGraph.weights()) {
                addVariable(tf, w.qualifiedName(), w.shape(), w.trainable());
            }
            inferenceEmbeddings = GraphLowering.lower(tf, modelGraph, images, weightAccess(tf),
                    GraphLowering.Mode.INFERENCE, null).output();
            if (optimizer != null) {
                buildTraining(tf, weightDecay);
            }
            ConfigProto config = ConfigProto.newBuilder()
                    .setIntraOpParallelismThreads(threads)
                    .setInterOpParallelismThreads(threads)
                    .build();
            session = new Session(graph, config);
        } catch (RuntimeException e) {
            graph.close();
            throw e;
        }
    }

    /** A model that only embeds: no head, no optimizer. Weights must be loaded or initialised before use. */
    public static TfFaceModel inference(ModelGraph graph, int threads) {
        return new TfFaceModel(graph, null, 0, null, threads);
    }

    public static TfFaceModel inference(FaceModelSpec spec, int threads) {
        return inference(spec.embeddingGraph(), threads);
    }

    /** An inference model holding a checkpoint's weights (its optimizer slots are ignored). */
    public static TfFaceModel inference(Checkpoint checkpoint, int threads) {
        TfFaceModel model = inference(checkpoint.graph(), threads);
        try {
            Map<String, FloatTensor> weights = new LinkedHashMap<>();
            for (WeightSpec w : checkpoint.graph().weights()) {
                weights.put(w.qualifiedName(), checkpoint.tensors().get(w.qualifiedName()));
            }
            model.importTensors(weights);
            return model;
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    /** The spec's model with its head and weight decay, trained with this optimizer. */
    public static TfFaceModel training(FaceModelSpec spec, OptimizerSettings optimizer, int threads) {
        return training(spec.embeddingGraph(), spec.head(), spec.weightDecay(), optimizer, threads);
    }

    /**
     * Any embedding graph with a head. weightDecay multiplies sum(w^2) of every Dense kernel in the graph (the
     * embedding layer, JHFace's OutputLayer Dense) and of SOFTMAX's kernel (JHFace's NormHead): the kernels JHFace
     * gives Keras' l2(w_decay) regulariser.
     */
    public static TfFaceModel training(ModelGraph graph, HeadConfig head, double weightDecay,
                                       OptimizerSettings optimizer, int threads) {
        if (head == null || optimizer == null) {
            throw new IllegalArgumentException("a training model needs a head and an optimizer");
        }
        if (!(weightDecay >= 0)) {
            throw new IllegalArgumentException("weightDecay must not be negative, got " + weightDecay);
        }
        return new TfFaceModel(graph, head, weightDecay, optimizer, threads);
    }

    private void buildTraining(Ops tf, double weightDecay) {
        labels = tf.placeholder(TInt32.class, Placeholder.shape(org.tensorflow.ndarray.Shape.of(-1)));
        learningRate = tf.placeholder(TFloat32.class, Placeholder.shape(org.tensorflow.ndarray.Shape.scalar()));
        dropoutSeed = tf.placeholder(TInt64.class, Placeholder.shape(org.tensorflow.ndarray.Shape.of(2)));
        for (WeightSpec w : head.weights(embeddingSize)) {
            addVariable(tf, w.qualifiedName(), w.shape(), w.trainable());
        }
        GraphLowering.Lowered training = GraphLowering.lower(tf, modelGraph, images, weightAccess(tf),
                GraphLowering.Mode.TRAINING, dropoutSeed);
        HeadLowering.Result trainHead = lowerHead(tf, training.output(), true);
        Operand<TFloat32> oneHot = tf.oneHot(labels, tf.constant(head.numClasses()), tf.constant(1f),
                tf.constant(0f));
        crossEntropy = tf.math.mean(tf.nn.softmaxCrossEntropyWithLogits(trainHead.logits(), oneHot).loss(),
                tf.constant(0));
        // (a distinct op even without decay: one run cannot fetch the same output twice)
        loss = weightDecay > 0 ? tf.math.add(crossEntropy, weightDecayLoss(tf, weightDecay))
                : tf.identity(crossEntropy);
        correct = countCorrect(tf, trainHead.classScores());

        List<TfVariable> trainable = variables.values().stream().filter(TfVariable::trainable).toList();
        Output<?>[] reads = trainable.stream().map(v -> v.read().asOutput()).toArray(Output<?>[]::new);
        Output<?>[] gradients = graph.addGradients(loss.asOutput(), reads);
        // every update waits for every gradient: a gradient op may still read a weight another update would change
        Ops afterGradients = tf.withControlDependencies(new ArrayList<Op>(List.of(gradients)));
        List<Op> updates = new ArrayList<>(training.updates());
        if (optimizer.kind() == OptimizerSettings.Kind.ADAM) {
            beta1Power = tf.placeholder(TFloat32.class, Placeholder.shape(org.tensorflow.ndarray.Shape.scalar()));
            beta2Power = tf.placeholder(TFloat32.class, Placeholder.shape(org.tensorflow.ndarray.Shape.scalar()));
        }
        for (int i = 0; i < trainable.size(); i++) {
            updates.add(applyOptimizer(tf, afterGradients, trainable.get(i), gradient(gradients[i])));
        }
        if (head.type() == HeadType.CURRICULARFACE) {
            updates.add(tf.assign(variables.get(HeadConfig.NODE + "/t").variable(), trainHead.t()));
        } else if (head.type() == HeadType.ADACOS) {
            updates.add(tf.assign(variables.get(HeadConfig.NODE + "/scale").variable(), trainHead.scale()));
        }
        trainOp = tf.withControlDependencies(updates).noOp();

        HeadLowering.Result evalHead = lowerHead(tf, inferenceEmbeddings, false);
        evalCrossEntropySum = tf.reduceSum(tf.nn.softmaxCrossEntropyWithLogits(evalHead.logits(), oneHot).loss(),
                tf.constant(0));
        evalCorrect = countCorrect(tf, evalHead.classScores());
    }

    private HeadLowering.Result lowerHead(Ops tf, Operand<TFloat32> embeddings, boolean updateState) {
        return HeadLowering.lower(tf, head, embeddings, labels, read(HeadConfig.NODE + "/kernel"),
                head.type() == HeadType.SOFTMAX ? read(HeadConfig.NODE + "/bias") : null,
                head.type() == HeadType.CURRICULARFACE ? read(HeadConfig.NODE + "/t") : null,
                head.type() == HeadType.ADACOS ? read(HeadConfig.NODE + "/scale") : null,
                updateState);
    }

    /** Keras' l2(w) regulariser, w * sum(x^2), as 2 * w * L2Loss(x) (L2Loss is sum(x^2) / 2). */
    private Operand<TFloat32> weightDecayLoss(Ops tf, double weightDecay) {
        List<String> kernels = new ArrayList<>();
        for (Node node : modelGraph.nodes()) {
            if (node.layer() instanceof Layer.Dense) {
                kernels.add(node.name() + "/kernel");
            }
        }
        if (head.type() == HeadType.SOFTMAX) {
            kernels.add(HeadConfig.NODE + "/kernel");
        }
        Operand<TFloat32> sum = tf.constant(0f);
        for (String kernel : kernels) {
            sum = tf.math.add(sum, tf.nn.l2Loss(read(kernel)));
        }
        return tf.math.mul(sum, tf.constant((float) (2 * weightDecay)));
    }

    private Operand<TFloat32> countCorrect(Ops tf, Operand<TFloat32> scores) {
        Operand<TInt32> predicted = tf.math.argMax(scores, tf.constant(1), TInt32.class);
        return tf.reduceSum(tf.dtypes.cast(tf.math.equal(predicted, labels), TFloat32.class), tf.constant(0));
    }

    private Op applyOptimizer(Ops tf, Ops afterGradients, TfVariable v, Operand<TFloat32> gradient) {
        List<String> slots = optimizer.slotNames();
        List<Variable<TFloat32>> slotVariables = new ArrayList<>();
        for (String slot : slots) {
            slotVariables.add(addVariable(tf, slotName(v.name(), slot), v.shape(), false).variable());
        }
        if (optimizer.kind() == OptimizerSettings.Kind.SGD) {
            return afterGradients.train.applyMomentum(v.variable(), slotVariables.get(0), learningRate, gradient,
                    tf.constant((float) optimizer.momentum()), ApplyMomentum.useNesterov(optimizer.nesterov()));
        }
        return afterGradients.train.applyAdam(v.variable(), slotVariables.get(0), slotVariables.get(1), beta1Power,
                beta2Power, learningRate, tf.constant((float) optimizer.beta1()),
                tf.constant((float) optimizer.beta2()), tf.constant((float) optimizer.epsilon()), gradient);
    }

    @SuppressWarnings("unchecked")
    private static Operand<TFloat32> gradient(Output<?> output) {
        return (Output<TFloat32>) output;
    }

    static String slotName(String weight, String slot) {
        return Checkpoint.OPTIMIZER_PREFIX + weight + "/" + slot;
    }

    private TfVariable addVariable(Ops tf, String name, Shape shape, boolean trainable) {
        org.tensorflow.ndarray.Shape tfShape = org.tensorflow.ndarray.Shape.of(
                shape.dims().stream().mapToLong(Integer::longValue).toArray());
        Variable<TFloat32> variable = tf.variable(tfShape, TFloat32.class);
        Placeholder<TFloat32> feed = tf.placeholder(TFloat32.class, Placeholder.shape(tfShape));
        TfVariable v = new TfVariable(name, shape, trainable, variable, tf.identity(variable), feed,
                tf.assign(variable, feed));
        if (variables.putIfAbsent(name, v) != null) {
            throw new IllegalArgumentException("duplicate weight " + name);
        }
        return v;
    }

    private GraphLowering.Weights weightAccess(Ops tf) {
        return new GraphLowering.Weights() {
            public Operand<TFloat32> read(String name) {
                return TfFaceModel.this.read(name);
            }

            public Op assign(String name, Operand<TFloat32> value) {
                return tf.assign(variable(name).variable(), value);
            }
        };
    }

    private Operand<TFloat32> read(String name) {
        return variable(name).read();
    }

    private TfVariable variable(String name) {
        TfVariable v = variables.get(name);
        if (v == null) {
            throw new IllegalArgumentException("the model has no weight " + name);
        }
        return v;
    }

    // ---- state ---------------------------------------------------------------------------------------------

    /**
     * Sets every tensor to its starting value: Keras' initialisers for the weights (seeded), the head's initial
     * state, zero optimizer slots.
     */
    public void initialize(long seed) {
        Random random = new Random(seed);
        Map<String, FloatTensor> values = new LinkedHashMap<>();
        for (WeightSpec w : modelGraph.weights()) {
            values.put(w.qualifiedName(), new FloatTensor(w.shape(), KerasInitializers.initialValue(w, random)));
        }
        if (head != null) {
            HeadState initial = HeadState.initial(head);
            for (WeightSpec w : head.weights(embeddingSize)) {
                float[] value = switch (w.name()) {
                    case "t" -> new float[]{(float) initial.t()};
                    case "scale" -> new float[]{(float) initial.scale()};
                    default -> KerasInitializers.initialValue(w, random);
                };
                values.put(w.qualifiedName(), new FloatTensor(w.shape(), value));
            }
        }
        for (TfVariable v : variables.values()) {
            if (v.name().startsWith(Checkpoint.OPTIMIZER_PREFIX)) {
                values.put(v.name(), FloatTensor.zeros(v.shape()));
            }
        }
        importTensors(values);
    }

    /** Loads these tensors (any subset of {@link #tensorNames()}); throws IllegalArgumentException on an unknown
     * name or a wrong shape, before loading anything. */
    public void importTensors(Map<String, FloatTensor> tensors) {
        for (Map.Entry<String, FloatTensor> e : tensors.entrySet()) {
            TfVariable v = variables.get(e.getKey());
            if (v == null) {
                throw new IllegalArgumentException("the model has no tensor " + e.getKey());
            }
            if (!v.shape().equals(e.getValue().shape())) {
                throw new IllegalArgumentException("tensor " + e.getKey() + " has shape " + e.getValue().shape()
                        + ", the model expects " + v.shape());
            }
        }
        List<Map.Entry<String, FloatTensor>> entries = new ArrayList<>(tensors.entrySet());
        for (int start = 0; start < entries.size(); start += TRANSFER_CHUNK) {
            List<TFloat32> fed = new ArrayList<>();
            try {
                Session.Runner runner = session.runner();
                for (Map.Entry<String, FloatTensor> e : entries.subList(start,
                        Math.min(entries.size(), start + TRANSFER_CHUNK))) {
                    TfVariable v = variables.get(e.getKey());
                    TFloat32 value = tensor(e.getValue());
                    fed.add(value);
                    runner.feed(v.feed(), value).addTarget(v.load());
                }
                runner.run().close();
            } finally {
                fed.forEach(TFloat32::close);
            }
        }
    }

    /**
     * Loads the weights a pretrained Keras .h5 file matched by name and shape; the others keep their values.
     * Returns the file's match report (what was loaded, missing, of another shape, unused).
     */
    public WeightMatchReport importPretrained(PretrainedWeights pretrained) {
        Map<String, FloatTensor> tensors = new LinkedHashMap<>();
        pretrained.tensors().forEach((name, data) -> tensors.put(name, new FloatTensor(variable(name).shape(), data)));
        importTensors(tensors);
        return pretrained.report();
    }

    /** Every tensor's current value by name: weights, head, optimizer slots. */
    public Map<String, FloatTensor> exportTensors() {
        List<TfVariable> all = new ArrayList<>(variables.values());
        Map<String, FloatTensor> out = new LinkedHashMap<>();
        for (int start = 0; start < all.size(); start += TRANSFER_CHUNK) {
            List<TfVariable> chunk = all.subList(start, Math.min(all.size(), start + TRANSFER_CHUNK));
            Session.Runner runner = session.runner();
            chunk.forEach(v -> runner.fetch(v.read()));
            try (Result result = runner.run()) {
                for (int i = 0; i < chunk.size(); i++) {
                    TfVariable v = chunk.get(i);
                    float[] data = new float[Math.toIntExact(v.shape().elementCount())];
                    ((TFloat32) result.get(i)).copyTo(DataBuffers.of(data, false, false));
                    out.put(v.name(), new FloatTensor(v.shape(), data));
                }
            }
        }
        return out;
    }

    /** Names of every tensor the model holds, in graph order. */
    public List<String> tensorNames() {
        return Collections.unmodifiableList(new ArrayList<>(variables.keySet()));
    }

    /** The head's state as the last train step left it. */
    public HeadState headState() {
        requireTraining();
        TfVariable t = variables.get(HeadConfig.NODE + "/t");
        TfVariable scale = variables.get(HeadConfig.NODE + "/scale");
        Session.Runner runner = session.runner();
        if (t != null) {
            runner.fetch(t.read());
        }
        if (scale != null) {
            runner.fetch(scale.read());
        }
        if (runner.isEmpty()) {
            return HeadState.initial(head);
        }
        try (Result result = runner.run()) {
            return t != null ? new HeadState(scalar(result, 0), head.scale()) : new HeadState(0, scalar(result, 0));
        }
    }

    // ---- running -------------------------------------------------------------------------------------------

    /**
     * One optimizer step on a batch.
     *
     * @param batch        images, [count, h, w, c] row-major, preprocessed
     * @param batchLabels  class of each image
     * @param rate         the learning rate for this step
     * @param step         the step's number from 0 (Adam's bias correction uses step + 1; dropout masks use it)
     * @param seed         the run's seed for dropout masks
     */
    public StepResult trainStep(float[] batch, int[] batchLabels, double rate, long step, long seed) {
        requireTraining();
        int count = checkBatch(batch, batchLabels);
        List<AutoCloseable> inputs = new ArrayList<>();
        try {
            Session.Runner runner = session.runner()
                    .feed(images, keep(inputs, imageTensor(batch, count)))
                    .feed(labels, keep(inputs, TInt32.vectorOf(batchLabels)))
                    .feed(learningRate, keep(inputs, TFloat32.scalarOf((float) rate)))
                    .feed(dropoutSeed, keep(inputs, TInt64.vectorOf(seed, step)))
                    .addTarget(trainOp)
                    .fetch(loss).fetch(crossEntropy).fetch(correct);
            if (optimizer.kind() == OptimizerSettings.Kind.ADAM) {
                runner.feed(beta1Power, keep(inputs, TFloat32.scalarOf((float) Math.pow(optimizer.beta1(), step + 1))))
                        .feed(beta2Power, keep(inputs, TFloat32.scalarOf((float) Math.pow(optimizer.beta2(),
                                step + 1))));
            }
            try (Result result = runner.run()) {
                return new StepResult(scalar(result, 0), scalar(result, 1), (int) scalar(result, 2), count);
            }
        } finally {
            closeAll(inputs);
        }
    }

    /** Inference-mode loss and accuracy on a labelled batch (moving statistics, no dropout, head state as is). */
    public EvalResult evaluate(float[] batch, int[] batchLabels) {
        requireTraining();
        int count = checkBatch(batch, batchLabels);
        try (TFloat32 x = imageTensor(batch, count);
             TInt32 y = TInt32.vectorOf(batchLabels);
             Result result = session.runner().feed(images, x).feed(labels, y)
                     .fetch(evalCrossEntropySum).fetch(evalCorrect).run()) {
            return new EvalResult(scalar(result, 0), (int) scalar(result, 1), count);
        }
    }

    /**
     * The inference function: embeddings (not normalised) of count preprocessed images, [count, h, w, c] row-major.
     */
    public float[][] embed(float[] batch, int count) {
        if (count < 1 || batch.length != count * imageLength()) {
            throw new IllegalArgumentException("expected " + count + " images of " + imageLength() + " floats, got "
                    + batch.length + " floats");
        }
        try (TFloat32 x = imageTensor(batch, count);
             Result result = session.runner().feed(images, x).fetch(inferenceEmbeddings).run()) {
            float[] flat = new float[count * embeddingSize];
            ((TFloat32) result.get(0)).copyTo(DataBuffers.of(flat, false, false));
            float[][] out = new float[count][embeddingSize];
            for (int i = 0; i < count; i++) {
                System.arraycopy(flat, i * embeddingSize, out[i], 0, embeddingSize);
            }
            return out;
        }
    }

    public int embeddingSize() {
        return embeddingSize;
    }

    /** Floats in one input image: h * w * c. */
    public int imageLength() {
        return Math.toIntExact(inputShape.elementCount());
    }

    @Override
    public void close() {
        session.close();
        graph.close();
    }

    private void requireTraining() {
        if (optimizer == null) {
            throw new IllegalStateException("this is an inference model: it has no head or optimizer");
        }
    }

    private int checkBatch(float[] batch, int[] batchLabels) {
        int count = batchLabels.length;
        if (count < 1 || batch.length != count * imageLength()) {
            throw new IllegalArgumentException("expected " + count + " images of " + imageLength()
                    + " floats (one per label), got " + batch.length + " floats");
        }
        for (int label : batchLabels) {
            if (label < 0 || label >= head.numClasses()) {
                throw new IllegalArgumentException("label " + label + " is outside 0.." + (head.numClasses() - 1));
            }
        }
        return count;
    }

    private TFloat32 imageTensor(float[] batch, int count) {
        return TFloat32.tensorOf(org.tensorflow.ndarray.Shape.of(count, inputShape.height(), inputShape.width(),
                inputShape.channels()), DataBuffers.of(batch, true, false));
    }

    private static TFloat32 tensor(FloatTensor t) {
        return TFloat32.tensorOf(org.tensorflow.ndarray.Shape.of(
                t.shape().dims().stream().mapToLong(Integer::longValue).toArray()),
                DataBuffers.of(t.data(), true, false));
    }

    private static double scalar(Result result, int index) {
        return ((TFloat32) result.get(index)).getFloat();
    }

    private static <T extends AutoCloseable> T keep(List<AutoCloseable> list, T resource) {
        list.add(resource);
        return resource;
    }

    private static void closeAll(List<AutoCloseable> resources) {
        for (AutoCloseable r : resources) {
            try {
                r.close();
            } catch (Exception e) {
                throw new IllegalStateException("cannot release a tensor", e);
            }
        }
    }
}
