package io.streamreplay.jsonrpc;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.Map;

/**
 * The shared Jackson objects and compact serialization used by this package. Jackson's factories are
 * thread-safe once configured, so one instance serves the whole process.
 */
public final class Json {

    /** Builds nodes; exact decimals are not needed since OVSDB numbers are int64 or double. */
    public static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    static final ObjectMapper MAPPER = new ObjectMapper();
    static final JsonFactory FACTORY = MAPPER.getFactory();

    private Json() {
    }

    /** A new empty array node. */
    public static ArrayNode array() {
        return NODES.arrayNode();
    }

    /** A new array node holding {@code values}, each converted by Jackson's usual rules. */
    public static ArrayNode array(Object... values) {
        ArrayNode array = NODES.arrayNode();
        for (Object value : values) {
            array.add(value instanceof JsonNode ? (JsonNode) value : MAPPER.valueToTree(value));
        }
        return array;
    }

    /** Parses one JSON text (for configuration and tests; streams use {@link MessageParser}). */
    public static JsonNode parse(String text) throws IOException {
        return MAPPER.readTree(text);
    }

    /** {@code node} as compact JSON text. */
    public static String toText(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (IOException e) {
            throw new UncheckedIOException("a JSON tree always serializes", e);
        }
    }

    /** {@code node} as compact UTF-8 JSON. */
    public static byte[] toBytes(JsonNode node) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator generator = FACTORY.createGenerator(out)) {
            write(generator, node);
        } catch (IOException e) {
            throw new UncheckedIOException("a JSON tree always serializes", e);
        }
        return out.toByteArray();
    }

    /** {@code message} as compact UTF-8 JSON, members in the order Open vSwitch writes them. */
    static byte[] toBytes(Message message) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator generator = FACTORY.createGenerator(out)) {
            message.write(generator);
        } catch (IOException e) {
            throw new UncheckedIOException("a JSON tree always serializes", e);
        }
        return out.toByteArray();
    }

    /**
     * Writes {@code node} straight to {@code generator}: the kinds of node a JSON text can hold are written
     * without going through data binding, which costs a serializer lookup per call.
     */
    static void write(JsonGenerator generator, JsonNode node) throws IOException {
        switch (node.getNodeType()) {
            case OBJECT:
                generator.writeStartObject();
                for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext();) {
                    Map.Entry<String, JsonNode> member = it.next();
                    generator.writeFieldName(member.getKey());
                    write(generator, member.getValue());
                }
                generator.writeEndObject();
                break;
            case ARRAY:
                generator.writeStartArray();
                for (JsonNode element : node) {
                    write(generator, element);
                }
                generator.writeEndArray();
                break;
            case STRING:
                generator.writeString(node.textValue());
                break;
            case BOOLEAN:
                generator.writeBoolean(node.booleanValue());
                break;
            case NULL:
                generator.writeNull();
                break;
            case NUMBER:
                if (node.isIntegralNumber() && node.canConvertToLong()) {
                    generator.writeNumber(node.longValue());
                } else if (node.isDouble() || node.isFloat()) {
                    generator.writeNumber(node.doubleValue());
                } else {
                    MAPPER.writeTree(generator, node);
                }
                break;
            default:
                MAPPER.writeTree(generator, node);
                break;
        }
    }
}
