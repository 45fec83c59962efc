package io.streamreplay.jsonrpc;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
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
            array.add(value instanceof JsonNode node ? node : MAPPER.valueToTree(value));
        }
        return array;
    }

    /**
     * Parses one JSON text (for configuration and tests; streams use {@link MessageParser}).
     *
     * @throws IOException saying what is wrong and where (line, column), in Jackson's words without its internals
     */
    public static JsonNode parse(String text) throws IOException {
        try {
            return MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            JsonLocation where = e.getLocation();
            throw new IOException("not valid JSON" + (where == null ? "" : " at line " + where.getLineNr()
                    + ", column " + where.getColumnNr()) + ": " + e.getOriginalMessage(), e);
        }
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
        return Serializer.CURRENT.get().toBytes(generator -> write(generator, node));
    }

    /** {@code message} as compact UTF-8 JSON. */
    static byte[] toBytes(Message message) {
        return Serializer.CURRENT.get().toBytes(message::write);
    }

    /**
     * Writes {@code node} straight to {@code generator}: the kinds of node a JSON text can hold are written
     * without going through data binding, which costs a serializer lookup per call.
     */
    static void write(JsonGenerator generator, JsonNode node) throws IOException {
        switch (node.getNodeType()) {
            case OBJECT -> {
                generator.writeStartObject();
                for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext();) {
                    Map.Entry<String, JsonNode> member = it.next();
                    generator.writeFieldName(member.getKey());
                    write(generator, member.getValue());
                }
                generator.writeEndObject();
            }
            case ARRAY -> {
                generator.writeStartArray();
                for (JsonNode element : node) {
                    write(generator, element);
                }
                generator.writeEndArray();
            }
            case STRING -> generator.writeString(node.textValue());
            case BOOLEAN -> generator.writeBoolean(node.booleanValue());
            case NULL -> generator.writeNull();
            case NUMBER -> {
                if (node.isIntegralNumber() && node.canConvertToLong()) {
                    generator.writeNumber(node.longValue());
                } else if (node.isDouble() || node.isFloat()) {
                    generator.writeNumber(node.doubleValue());
                } else {
                    MAPPER.writeTree(generator, node);
                }
            }
            default -> MAPPER.writeTree(generator, node);
        }
    }

    /** Writes one JSON value to a generator. */
    private interface Writer {
        void write(JsonGenerator generator) throws IOException;
    }

    /**
     * A generator and its output buffer, kept per thread and reused for every value: creating a generator and
     * growing a fresh buffer for each message was a tenth of the cost of sending one.
     */
    private static final class Serializer {

        static final ThreadLocal<Serializer> CURRENT = ThreadLocal.withInitial(Serializer::new);
        /** Buffers that grew past this for one large value are not kept. */
        private static final int KEPT_CAPACITY = 64 * 1024;

        private Output out = new Output();
        private JsonGenerator generator = newGenerator(out);

        byte[] toBytes(Writer writer) {
            out.reset();
            boolean written = false;
            try {
                writer.write(generator);
                generator.flush();
                written = true;
                return out.toByteArray();
            } catch (IOException e) {
                throw new UncheckedIOException("a JSON value always serializes to memory", e);
            } finally {
                if (!written || out.capacity() > KEPT_CAPACITY) {
                    // Left mid-value by a failure, or holding on to a large buffer: start afresh next time.
                    out = new Output();
                    generator = newGenerator(out);
                }
            }
        }

        private static JsonGenerator newGenerator(Output out) {
            try {
                JsonGenerator generator = FACTORY.createGenerator(out);
                generator.setRootValueSeparator(null);
                return generator;
            } catch (IOException e) {
                throw new UncheckedIOException("a generator over memory always opens", e);
            }
        }
    }

    /** A byte array output whose capacity is visible. */
    private static final class Output extends ByteArrayOutputStream {
        Output() {
            super(512);
        }

        int capacity() {
            return buf.length;
        }
    }
}
