package io.facestream.events.serde;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.facestream.events.domain.Payloaded;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Serde for one message record type in the {@link Envelope} layout. The metadata JSON carries a "type" so that a
 * record of another type (a producer writing to the wrong topic) is refused with a clear reason.
 * Unknown metadata fields are ignored (additive changes keep schema version 1); missing required fields fail.
 */
public final class EnvelopeSerde<T> implements Serde<T>, Serializer<T>, Deserializer<T> {

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .build();

    private final Class<T> type;
    private final String typeName;

    public EnvelopeSerde(Class<T> type, String typeName) {
        this.type = type;
        this.typeName = typeName;
    }

    public String typeName() {
        return typeName;
    }

    @Override
    public byte[] serialize(String topic, T message) {
        if (message == null) {
            return null; // a tombstone stays a tombstone
        }
        ObjectNode meta = MAPPER.valueToTree(message);
        meta.put("type", typeName);
        byte[] payload = message instanceof Payloaded<?> p ? p.payloadBytes() : null;
        try {
            return Envelope.encode(MAPPER.writeValueAsString(meta), payload);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + typeName + " metadata", e);
        }
    }

    @Override
    @SuppressWarnings("unchecked")
    public T deserialize(String topic, byte[] data) {
        Envelope.Parts parts = Envelope.decode(topic, data);
        try {
            JsonNode meta = MAPPER.readTree(parts.metadataJson());
            if (meta == null || !meta.isObject()) {
                throw new MalformedMessageException(topic + ": metadata is not a JSON object");
            }
            String actualType = meta.path("type").asText("");
            if (!typeName.equals(actualType)) {
                throw new MalformedMessageException(topic + ": message type '" + actualType + "', expected '"
                        + typeName + "'");
            }
            ((ObjectNode) meta).remove("type");
            T message = MAPPER.treeToValue(meta, type);
            if (message instanceof Payloaded<?> p) {
                return (T) p.withPayloadBytes(parts.payload());
            }
            if (parts.payload().length != 0) {
                throw new MalformedMessageException(topic + ": " + typeName + " carries no payload but "
                        + parts.payload().length + " bytes follow the metadata");
            }
            return message;
        } catch (MalformedMessageException e) {
            throw e;
        } catch (JsonProcessingException e) {
            throw new MalformedMessageException(topic + ": invalid " + typeName + " metadata: "
                    + field(e) + rootMessage(e), e);
        } catch (IllegalArgumentException e) {
            throw new MalformedMessageException(topic + ": invalid " + typeName + ": " + rootMessage(e), e);
        }
    }

    /** "field NAME: " when Jackson knows which field failed (a value of the wrong type), else nothing. */
    private static String field(JsonProcessingException e) {
        if (e instanceof JsonMappingException m && !m.getPath().isEmpty()) {
            StringBuilder path = new StringBuilder();
            for (JsonMappingException.Reference r : m.getPath()) {
                if (r.getFieldName() != null) {
                    path.append(path.isEmpty() ? "" : ".").append(r.getFieldName());
                } else if (r.getIndex() >= 0) {
                    path.append('[').append(r.getIndex()).append(']');
                }
            }
            return path.isEmpty() ? "" : "field " + path + ": ";
        }
        return "";
    }

    /** Jackson wraps record-constructor failures; the innermost message names the field. */
    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String m = t instanceof JsonProcessingException j ? j.getOriginalMessage() : t.getMessage();
        return m == null ? t.getClass().getSimpleName() : m;
    }

    @Override
    public Serializer<T> serializer() {
        return this;
    }

    @Override
    public Deserializer<T> deserializer() {
        return this;
    }

    @Override
    public void configure(java.util.Map<String, ?> configs, boolean isKey) {
        // nothing to configure: the layout is fixed by the schema version
    }

    @Override
    public void close() {
    }
}
