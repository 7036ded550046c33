package io.facestream.trainer.service;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.facestream.model.eval.LfwPairs;
import io.facestream.model.eval.PairsSet;
import io.facestream.model.eval.VerificationEvaluator;
import io.facestream.trainer.domain.DatasetSpec;
import io.facestream.trainer.domain.PairsSpec;
import io.facestream.trainer.domain.TrainingRequest;
import io.facestream.trainer.evaluation.CheckpointVerifier;
import io.facestream.trainer.training.TrainingConfig;

import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Turns a POST /training-runs body into a {@link TrainingRequest}, or refuses it with an
 * {@link InvalidRequestException} naming the field. The body is one JSON object: the JHFace configuration under
 * TrainingConfig's names, plus dataset, pretrained_h5, pairs, hold_out_pairs_people and model_name. num_classes
 * and dataset_len, which JHFace's configuration holds, come from the data here and are refused. Paths are checked
 * to exist, and a pairs file is read in full, so that a run does not fail hours later on a typo.
 */
public final class TrainingRequests {

    /** The service's own fields, beside the training configuration's. */
    public static final List<String> SERVICE_FIELDS = List.of("dataset", "pretrained_h5", "pairs",
            "hold_out_pairs_people", "model_name");
    /** JHFace configuration names whose values the data decides. */
    private static final Map<String, String> DERIVED = Map.of(
            "num_classes", "the number of identities in the dataset",
            "dataset_len", "the number of training images in the dataset");
    /** TrainingConfig's JSON names. */
    public static final Set<String> CONFIG_FIELDS = configFields();
    /** Names the model description's messages use for configuration fields. */
    private static final Map<String, String> SPEC_NAMES = Map.of(
            "inputSize", "input_size",
            "embeddingSize", "embd_shape",
            "weightDecay", "w_decay",
            "backbone", "backbone_type",
            "scale", "logist_scale");
    private static final Pattern MODEL_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");

    private final ObjectMapper json;

    public TrainingRequests(ObjectMapper json) {
        this.json = json;
    }

    public TrainingRequest parse(String body) {
        JsonNode root;
        try {
            root = body == null || body.isBlank() ? null : json.readTree(body);
        } catch (JsonProcessingException e) {
            throw new InvalidRequestException(null, "the body is not JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw new InvalidRequestException(null, "the body must be a JSON object: the training configuration "
                    + "(JHFace's names) with a \"dataset\"");
        }
        return parse((ObjectNode) root);
    }

    public TrainingRequest parse(ObjectNode body) {
        for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (DERIVED.containsKey(name)) {
                throw new InvalidRequestException(name, name + " comes from the data (" + DERIVED.get(name)
                        + "): leave it out");
            }
            if (!CONFIG_FIELDS.contains(name) && !SERVICE_FIELDS.contains(name)) {
                throw new InvalidRequestException(name, "unknown field '" + name + "': neither a training "
                        + "configuration name " + new TreeSet<>(CONFIG_FIELDS) + " nor one of "
                        + SERVICE_FIELDS);
            }
        }
        DatasetSpec dataset = dataset(body);
        ObjectNode configJson = json.createObjectNode();
        CONFIG_FIELDS.stream().filter(body::has).forEach(name -> configJson.set(name, body.get(name)));
        if (dataset.binaryImg() != null) {
            configJson.put("binary_img", dataset.binaryImg());
        }
        TrainingConfig config = config(configJson);
        PairsSpec pairs = pairs(body, dataset);
        boolean holdOut = holdOut(body, dataset, pairs);
        String pretrained = optionalText(body, "pretrained_h5");
        if (pretrained != null && !Files.isRegularFile(path("pretrained_h5", pretrained))) {
            throw new InvalidRequestException("pretrained_h5", "no file at " + pretrained);
        }
        if (pretrained != null && !isHdf5(Path.of(pretrained))) {
            throw new InvalidRequestException("pretrained_h5", "not an HDF5 file (Keras .h5 weights): " + pretrained);
        }
        String modelName = optionalText(body, "model_name");
        if (modelName == null) {
            modelName = (config.backboneType() + "-" + TrainingConfig.headType(config.headType()).name())
                    .toLowerCase(Locale.ROOT);
        } else if (!MODEL_NAME.matcher(modelName).matches()) {
            throw new InvalidRequestException("model_name", "model_name must be 1-100 letters, digits, '.', '_' or "
                    + "'-', starting with a letter or digit; got '" + modelName + "'");
        }
        return new TrainingRequest(config, dataset, pretrained, pairs, holdOut, modelName, body.deepCopy());
    }

    private TrainingConfig config(ObjectNode configJson) {
        TrainingConfig config;
        try {
            config = TrainingConfig.fromJson(configJson.toString());
        } catch (IllegalArgumentException e) {
            throw configError(e);
        }
        try {
            // the zoo's own check that the backbone can take this input size and width
            config.modelSpec(2).embeddingGraph();
        } catch (IllegalArgumentException e) {
            String message = e.getMessage();
            String field = message.contains("alpha must") ? "alpha"
                    : message.contains("too small") ? "input_size" : "backbone_type";
            throw new InvalidRequestException(field, message);
        }
        return config;
    }

    /** The field a configuration error is about: from Jackson's path (a wrong type), else from its message. */
    private static InvalidRequestException configError(IllegalArgumentException e) {
        String message = e.getMessage().replaceFirst("^not a valid training config: ", "");
        if (e.getCause() instanceof JsonMappingException mapping && !mapping.getPath().isEmpty()
                && mapping.getPath().get(0).getFieldName() != null
                && !(mapping.getCause() instanceof IllegalArgumentException)) {
            String field = mapping.getPath().get(0).getFieldName();
            return new InvalidRequestException(field, field + " has the wrong type: " + mapping.getOriginalMessage());
        }
        for (String token : message.split("[^A-Za-z0-9_]+")) {
            String field = CONFIG_FIELDS.contains(token) ? token : SPEC_NAMES.get(token);
            if (field != null) {
                return new InvalidRequestException(field, message.contains(field) ? message : field + ": " + message);
            }
        }
        return new InvalidRequestException(null, message);
    }

    private DatasetSpec dataset(ObjectNode body) {
        JsonNode node = body.get("dataset");
        if (node == null || node.isNull()) {
            throw new InvalidRequestException("dataset", "dataset is required: {\"type\": \"folder\", \"path\": ...}, "
                    + "{\"type\": \"tfrecord\", \"path\": ..., \"binary_img\": true|false, \"images_root\": ...} or "
                    + "{\"type\": \"enrollments\"}");
        }
        if (!node.isObject()) {
            throw new InvalidRequestException("dataset", "dataset must be an object with a \"type\"");
        }
        String type = requiredText(node, "dataset.type", "type");
        Set<String> allowed = switch (type) {
            case DatasetSpec.FOLDER -> Set.of("type", "path");
            case DatasetSpec.TFRECORD -> Set.of("type", "path", "binary_img", "images_root");
            case DatasetSpec.ENROLLMENTS -> Set.of("type");
            default -> throw new InvalidRequestException("dataset.type", "dataset.type must be one of folder, "
                    + "tfrecord, enrollments; got '" + type + "'");
        };
        node.fieldNames().forEachRemaining(name -> {
            if (!allowed.contains(name)) {
                throw new InvalidRequestException("dataset." + name, "a " + type + " dataset has no field '" + name
                        + "' (its fields: " + new TreeSet<>(allowed) + ")");
            }
        });
        return switch (type) {
            case DatasetSpec.FOLDER -> {
                String path = requiredText(node, "dataset.path", "path");
                if (!Files.isDirectory(path("dataset.path", path))) {
                    throw new InvalidRequestException("dataset.path", "no folder at " + path);
                }
                yield new DatasetSpec(type, path, null, null);
            }
            case DatasetSpec.TFRECORD -> tfRecordDataset(body, node);
            default -> new DatasetSpec(type, null, null, null);
        };
    }

    private DatasetSpec tfRecordDataset(ObjectNode body, JsonNode node) {
        String path = requiredText(node, "dataset.path", "path");
        tfRecordFiles(path);
        Boolean binary = optionalBoolean(node, "dataset.binary_img", "binary_img");
        JsonNode topLevel = body.get("binary_img");
        if (topLevel != null && !topLevel.isBoolean()) {
            throw new InvalidRequestException("binary_img", "binary_img must be true or false");
        }
        if (binary != null && topLevel != null && binary != topLevel.asBoolean()) {
            throw new InvalidRequestException("dataset.binary_img", "dataset.binary_img (" + binary + ") contradicts "
                    + "binary_img (" + topLevel.asBoolean() + "); give one of them");
        }
        if (binary == null) {
            binary = topLevel != null ? topLevel.asBoolean() : TrainingConfig.builder().build().binaryImg();
        }
        String imagesRoot = optionalText(node, "dataset.images_root", "images_root");
        if (imagesRoot != null) {
            if (binary) {
                throw new InvalidRequestException("dataset.images_root", "images_root is for records that hold "
                        + "image paths (binary_img false); these hold the images");
            }
            if (!Files.isDirectory(path("dataset.images_root", imagesRoot))) {
                throw new InvalidRequestException("dataset.images_root", "no folder at " + imagesRoot);
            }
        }
        return new DatasetSpec(DatasetSpec.TFRECORD, path, binary, imagesRoot);
    }

    /** A TFRecord file, or every .tfrecord file of a folder in name order. */
    public static List<Path> tfRecordFiles(String path) {
        Path p = path("dataset.path", path);
        if (Files.isRegularFile(p)) {
            return List.of(p);
        }
        if (Files.isDirectory(p)) {
            try (Stream<Path> files = Files.list(p)) {
                List<Path> records = files.filter(f -> f.getFileName().toString().endsWith(".tfrecord"))
                        .filter(Files::isRegularFile).sorted().toList();
                if (!records.isEmpty()) {
                    return records;
                }
            } catch (IOException e) {
                throw new InvalidRequestException("dataset.path", "cannot list " + path + ": " + e.getMessage());
            }
            throw new InvalidRequestException("dataset.path", "no .tfrecord file in the folder " + path);
        }
        throw new InvalidRequestException("dataset.path", "no TFRecord file or folder at " + path);
    }

    private PairsSpec pairs(ObjectNode body, DatasetSpec dataset) {
        JsonNode node = body.get("pairs");
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isObject()) {
            throw new InvalidRequestException("pairs", "pairs must be an object: {\"path\": \"pairs.txt\", "
                    + "\"images_root\": \"folder of person folders\"} or {\"path\": \"set.bin\"}");
        }
        node.fieldNames().forEachRemaining(name -> {
            if (!name.equals("path") && !name.equals("images_root")) {
                throw new InvalidRequestException("pairs." + name, "pairs has no field '" + name
                        + "' (its fields: images_root, path)");
            }
        });
        String path = requiredText(node, "pairs.path", "path");
        Path file = path("pairs.path", path);
        if (!Files.isRegularFile(file)) {
            throw new InvalidRequestException("pairs.path", "no file at " + path);
        }
        String imagesRoot = optionalText(node, "pairs.images_root", "images_root");
        if (CheckpointVerifier.isBin(file)) {
            if (imagesRoot != null) {
                throw new InvalidRequestException("pairs.images_root", "a .bin set holds its images: leave "
                        + "images_root out");
            }
        } else if (imagesRoot == null) {
            if (!DatasetSpec.FOLDER.equals(dataset.type())) {
                throw new InvalidRequestException("pairs.images_root", "an LFW pairs file needs images_root, the "
                        + "folder of its person folders");
            }
            imagesRoot = dataset.path(); // LFW's pairs name people of the training folder's layout
        } else if (!Files.isDirectory(path("pairs.images_root", imagesRoot))) {
            throw new InvalidRequestException("pairs.images_root", "no folder at " + imagesRoot);
        }
        PairsSet set;
        try {
            set = CheckpointVerifier.readPairs(file, imagesRoot == null ? null : Path.of(imagesRoot));
        } catch (IOException e) {
            throw new InvalidRequestException("pairs.path", "cannot use the pairs set: " + e.getMessage());
        }
        int folds = VerificationEvaluator.LFW_FOLDS;
        if (set.matchedCount() < folds || set.mismatchedCount() < folds) {
            throw new InvalidRequestException("pairs.path", folds + "-fold verification needs at least " + folds
                    + " matched and " + folds + " mismatched pairs; " + path + " has " + set.matchedCount() + " and "
                    + set.mismatchedCount());
        }
        return new PairsSpec(path, imagesRoot);
    }

    private static boolean holdOut(ObjectNode body, DatasetSpec dataset, PairsSpec pairs) {
        Boolean holdOut = optionalBoolean(body, "hold_out_pairs_people", "hold_out_pairs_people");
        if (holdOut == null || !holdOut) {
            return false;
        }
        if (pairs == null) {
            throw new InvalidRequestException("hold_out_pairs_people", "hold_out_pairs_people needs a pairs set");
        }
        if (CheckpointVerifier.isBin(Path.of(pairs.path()))) {
            throw new InvalidRequestException("hold_out_pairs_people", "a .bin set names no people, so none can be "
                    + "held out; make sure the dataset does not hold its people");
        }
        if (DatasetSpec.TFRECORD.equals(dataset.type())) {
            throw new InvalidRequestException("hold_out_pairs_people", "TFRecord identities are numeric labels, not "
                    + "the people's names the pairs file uses: nobody can be held out by name");
        }
        return true;
    }

    /** Everyone an LFW pairs set names (for hold_out_pairs_people). */
    public static Set<String> people(PairsSet set) {
        return set instanceof LfwPairs lfw ? lfw.people() : Set.of();
    }

    private static String requiredText(JsonNode node, String field, String name) {
        String value = optionalText(node, field, name);
        if (value == null) {
            throw new InvalidRequestException(field, field + " is required");
        }
        return value;
    }

    private static String optionalText(JsonNode node, String name) {
        return optionalText(node, name, name);
    }

    private static String optionalText(JsonNode node, String field, String name) {
        JsonNode value = node.get(name);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual() || value.asText().isBlank()) {
            throw new InvalidRequestException(field, field + " must be a non-empty string");
        }
        return value.asText();
    }

    private static Boolean optionalBoolean(JsonNode node, String field, String name) {
        JsonNode value = node.get(name);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isBoolean()) {
            throw new InvalidRequestException(field, field + " must be true or false");
        }
        return value.asBoolean();
    }

    /**
     * Whether the file starts an HDF5 superblock (its signature at byte 0, or at 512, 1024, 2048... after a user
     * block), so that a file of another kind is refused with the request rather than failing the run later.
     */
    static boolean isHdf5(Path file) {
        byte[] signature = {(byte) 0x89, 'H', 'D', 'F', '\r', '\n', 0x1A, '\n'};
        try (FileChannel in = FileChannel.open(file)) {
            for (long offset = 0; offset + signature.length <= in.size(); offset = offset == 0 ? 512 : offset * 2) {
                ByteBuffer head = ByteBuffer.allocate(signature.length);
                in.read(head, offset);
                if (Arrays.equals(head.array(), signature)) {
                    return true;
                }
            }
            return false;
        } catch (IOException e) {
            throw new InvalidRequestException("pretrained_h5", "cannot read " + file + ": " + e.getMessage());
        }
    }

    private static Path path(String field, String value) {
        try {
            return Path.of(value);
        } catch (InvalidPathException e) {
            throw new InvalidRequestException(field, field + " is not a usable path: " + e.getMessage());
        }
    }

    private static Set<String> configFields() {
        Set<String> names = new LinkedHashSet<>();
        for (RecordComponent c : TrainingConfig.class.getRecordComponents()) {
            JsonProperty p = c.getAccessor().getAnnotation(JsonProperty.class);
            names.add(p != null ? p.value() : c.getName());
        }
        return Collections.unmodifiableSet(names);
    }
}
