package io.streamreplay.jsonrpc;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.async.ByteArrayFeeder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.ContainerNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.util.ArrayDeque;

/**
 * Splits a byte stream of back-to-back JSON texts into JSON values, incrementally: bytes may arrive split at any
 * boundary, even inside a multi-byte character, and parse the same.
 *
 * <p>Rules (those of Open vSwitch): white space between texts is ignored; each text must be an object or an array;
 * nesting is limited to {@value #MAX_DEPTH} levels; a text may not exceed the configured maximum size; numbers are
 * typed by value, so an integral number that fits in 64 bits ({@code 1.0}, {@code 1e2}) is an integer, and
 * anything else is a double. Once a {@link ProtocolException} is thrown the parser is unusable.
 *
 * <p>Use: call {@link #next()} until it returns null, then {@link #feed} more bytes. Not thread-safe.
 */
public final class MessageParser {

    /** The deepest nesting accepted, as in Open vSwitch. */
    public static final int MAX_DEPTH = 1000;

    private final JsonParser parser;
    private final ByteArrayFeeder feeder;
    private final long maxMessageBytes;
    private final ArrayDeque<ContainerNode<?>> stack = new ArrayDeque<>();
    private String fieldName;
    private long fedBytes;
    private long messageStart;
    private boolean failed;

    /** A parser rejecting any text longer than {@code maxMessageBytes}. */
    public MessageParser(long maxMessageBytes) {
        this.maxMessageBytes = maxMessageBytes;
        try {
            this.parser = Json.FACTORY.rebuild()
                    .streamReadConstraints(StreamReadConstraints.builder()
                            .maxNestingDepth(MAX_DEPTH)
                            .maxStringLength((int) Math.min(Integer.MAX_VALUE, maxMessageBytes))
                            .build())
                    .build()
                    .createNonBlockingByteArrayParser();
        } catch (IOException e) {
            throw new IllegalStateException("Jackson cannot create a non-blocking parser", e);
        }
        this.feeder = (ByteArrayFeeder) parser.getNonBlockingInputFeeder();
    }

    /** Bytes fed since the last complete message: what the parser holds of the message in progress. */
    public long pendingBytes() {
        return fedBytes - messageStart;
    }

    /** Whether {@link #feed} may be called: everything fed so far has been parsed. */
    public boolean needsInput() {
        return feeder.needMoreInput();
    }

    /**
     * Gives the parser more bytes; allowed only when {@link #needsInput()}.
     *
     * @throws ProtocolException if the text being parsed now exceeds the maximum message size
     */
    public void feed(byte[] bytes, int offset, int length) throws ProtocolException {
        if (failed) {
            throw new IllegalStateException("parser failed earlier");
        }
        try {
            feeder.feedInput(bytes, offset, offset + length);
        } catch (IOException e) {
            throw fail("JSON syntax error: " + firstLine(e.getMessage()), e);
        }
        fedBytes += length;
        if (fedBytes - messageStart > maxMessageBytes) {
            throw fail("message exceeds the maximum size of " + maxMessageBytes + " bytes");
        }
    }

    /**
     * Parses as far as the bytes fed allow.
     *
     * @return the next complete JSON text, or null if more bytes are needed
     * @throws ProtocolException on malformed JSON, a top level that is not an object or array, or excess nesting
     */
    public JsonNode next() throws ProtocolException {
        if (failed) {
            throw new IllegalStateException("parser failed earlier");
        }
        try {
            JsonToken token;
            while ((token = parser.nextToken()) != null && token != JsonToken.NOT_AVAILABLE) {
                JsonNode done = consume(token);
                if (done != null) {
                    messageStart = parser.currentLocation().getByteOffset();
                    return done;
                }
            }
            return null;
        } catch (ProtocolException e) {
            throw e;
        } catch (IOException e) {
            throw fail("JSON syntax error at byte " + parser.currentLocation().getByteOffset() + ": "
                    + firstLine(e.getMessage()), e);
        }
    }

    private JsonNode consume(JsonToken token) throws IOException {
        switch (token) {
            case START_OBJECT:
                return push(Json.NODES.objectNode());
            case START_ARRAY:
                return push(Json.NODES.arrayNode());
            case END_OBJECT:
            case END_ARRAY:
                JsonNode closed = stack.pop();
                return stack.isEmpty() ? closed : null;
            case FIELD_NAME:
                fieldName = parser.currentName();
                return null;
            case VALUE_STRING:
                return add(TextNode.valueOf(parser.getText()));
            case VALUE_NUMBER_INT:
                return add(parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER
                        ? DoubleNode.valueOf(finite()) : LongNode.valueOf(parser.getLongValue()));
            case VALUE_NUMBER_FLOAT:
                return add(number(finite()));
            case VALUE_TRUE:
                return add(BooleanNode.TRUE);
            case VALUE_FALSE:
                return add(BooleanNode.FALSE);
            case VALUE_NULL:
                return add(NullNode.getInstance());
            default:
                throw new ProtocolException("unexpected JSON token " + token);
        }
    }

    /** Types a number by value, as Open vSwitch does: integral and within int64 means integer. */
    /**
     * The current number as a double; a number beyond the range of doubles is an error, as in Open vSwitch, since
     * it would become an infinity that JSON cannot write back.
     */
    private double finite() throws IOException {
        double value = parser.getDoubleValue();
        if (Double.isInfinite(value)) {
            throw fail("number out of range at byte " + parser.currentTokenLocation().getByteOffset() + ": "
                    + abbreviate(parser.getText()));
        }
        return value;
    }

    private static String abbreviate(String text) {
        return text.length() <= 40 ? text : text.substring(0, 40) + "... (" + text.length() + " characters)";
    }

    private static JsonNode number(double value) {
        if (value == Math.rint(value) && value >= -0x1p63 && value < 0x1p63 && !Double.isInfinite(value)) {
            return LongNode.valueOf((long) value);
        }
        return DoubleNode.valueOf(value);
    }

    private JsonNode push(ContainerNode<?> container) throws ProtocolException {
        if (stack.isEmpty()) {
            stack.push(container);
            return null;
        }
        add(container);
        stack.push(container);
        return null;
    }

    private JsonNode add(JsonNode value) throws ProtocolException {
        ContainerNode<?> top = stack.peek();
        if (top == null) {
            throw fail("syntax error at beginning of input: a message must be a JSON object or array");
        }
        if (top.isObject()) {
            ((ObjectNode) top).set(fieldName, value);
        } else {
            ((ArrayNode) top).add(value);
        }
        return null;
    }

    private ProtocolException fail(String message) {
        return fail(message, null);
    }

    private ProtocolException fail(String message, Throwable cause) {
        failed = true;
        return new ProtocolException(message, cause);
    }

    private static String firstLine(String text) {
        if (text == null) {
            return "malformed input";
        }
        int newline = text.indexOf('\n');
        return newline < 0 ? text : text.substring(0, newline);
    }
}
