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
 * <p>Rules (those of Open vSwitch's {@code lib/json.c}): white space between texts is ignored; each text must be an
 * object or an array; nesting is limited to {@value #MAX_DEPTH} levels; a text may not exceed the configured maximum
 * size; numbers are typed by value, so an integral number that fits in 64 bits ({@code 1.0}, {@code 1e2}) is an
 * integer, and anything else is a double. What Open vSwitch's reader refuses is refused with its words, so that
 * nothing it could not read back is ever taken in: a {@code \u0000} escape ("null bytes not supported in quoted
 * strings"), a high surrogate escape not followed by a low one ("malformed escaped surrogate pair"), a number
 * beyond the range of doubles or too small to be a normal one, and an exponent past its range ("number outside
 * valid range", "exponent outside valid range"). Beyond Open vSwitch, which passes bytes through, input must be
 * valid UTF-8 (no overlong forms, encoded surrogates or code points past U+10FFFF: "invalid UTF-8 sequence").
 * Once a {@link ProtocolException} is thrown the parser is unusable.
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
    /** The estimated heap of the tree built so far for the message in progress ({@link TreeCost}). */
    private long treeBytes;
    private final Utf8Check utf8 = new Utf8Check();
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

    /**
     * What the parser holds of the message in progress, in bytes: twice the bytes fed since the last complete
     * message (a token in progress, a long string say, is held as UTF-16 text) plus the estimated heap of the tree
     * built from them ({@link TreeCost}), which for some texts is many times their size.
     */
    public long pendingBytes() {
        return 2 * (fedBytes - messageStart) + treeBytes;
    }

    /**
     * Where the message {@link #next()} returned last ends: the number of bytes fed before its end, counted from the
     * first byte ever fed (white space after it not included); 0 before the first message. With it, a caller that
     * keeps the bytes it feeds can cut them into the exact bytes of each message.
     */
    public long messageEnd() {
        return messageStart;
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
        long invalid = utf8.check(bytes, offset, length, fedBytes);
        if (invalid >= 0) {
            throw fail("JSON syntax error at byte " + invalid + ": invalid UTF-8 sequence " + utf8.sequence());
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
                    treeBytes = 0;
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
            case START_OBJECT -> {
                treeBytes += TreeCost.OBJECT;
                return push(Json.NODES.objectNode());
            }
            case START_ARRAY -> {
                treeBytes += TreeCost.ARRAY;
                return push(Json.NODES.arrayNode());
            }
            case END_OBJECT, END_ARRAY -> {
                JsonNode closed = stack.pop();
                return stack.isEmpty() ? closed : null;
            }
            case FIELD_NAME -> {
                fieldName = checkString(parser.currentName());
                return null;
            }
            case VALUE_STRING -> {
                String text = checkString(parser.getText());
                treeBytes += TreeCost.text(text.length());
                return add(TextNode.valueOf(text));
            }
            case VALUE_NUMBER_INT -> {
                treeBytes += TreeCost.NUMBER;
                return add(parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER
                        ? DoubleNode.valueOf(finite()) : LongNode.valueOf(parser.getLongValue()));
            }
            case VALUE_NUMBER_FLOAT -> {
                treeBytes += TreeCost.NUMBER;
                checkExponent(parser.getText());
                return add(number(finite()));
            }
            case VALUE_TRUE -> {
                return add(BooleanNode.TRUE);
            }
            case VALUE_FALSE -> {
                return add(BooleanNode.FALSE);
            }
            case VALUE_NULL -> {
                return add(NullNode.getInstance());
            }
            default -> throw new ProtocolException("unexpected JSON token " + token);
        }
    }

    /**
     * Refuses what Open vSwitch's reader refuses in a string: a NUL character, and a high surrogate without its
     * low one. (Input is valid UTF-8, so either can only have come from a {@code \\u} escape. A lone low surrogate
     * passes, as in Open vSwitch; the database refuses it in a string value.)
     */
    private String checkString(String text) throws ProtocolException {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            // One comparison lets through all but NUL, surrogates and U+E000 up, which are looked at closely.
            if ((char) (c - 1) < Character.MIN_SURROGATE - 1) {
                continue;
            }
            if (c == 0) {
                throw fail(syntaxError("null bytes not supported in quoted strings"));
            }
            if (Character.isHighSurrogate(c)) {
                if (i + 1 == text.length() || !Character.isLowSurrogate(text.charAt(i + 1))) {
                    throw fail(syntaxError("malformed escaped surrogate pair"));
                }
                i++;
            }
        }
        return text;
    }

    /**
     * Refuses an exponent that Open vSwitch's {@code json_lex_number} finds out of its range, whatever the value:
     * it keeps at most 19 or 20 significant digits, counting the others in a power of ten that, with the exponent,
     * must stay within a C {@code int}.
     */
    private void checkExponent(String text) throws ProtocolException {
        int e = Math.max(text.indexOf('e'), text.indexOf('E'));
        if (e < 0) {
            return;
        }
        long significand = 0;
        long pow10 = 0;
        int i = text.charAt(0) == '-' ? 1 : 0;
        boolean fraction = false;
        for (; i < e; i++) {
            char c = text.charAt(i);
            if (c == '.') {
                fraction = true;
            } else if (Long.compareUnsigned(significand, MAX_SIGNIFICAND) <= 0) {
                significand = significand * 10 + (c - '0');
                pow10 -= fraction ? 1 : 0;
            } else if (!fraction) {
                pow10++;
            }
        }
        i = e + 1;
        boolean negative = text.charAt(i) == '-';
        if (text.charAt(i) == '-' || text.charAt(i) == '+') {
            i++;
        }
        long exponent = 0;
        for (; i < text.length(); i++) {
            if (exponent >= Integer.MAX_VALUE / 10) {
                throw fail(syntaxError("exponent outside valid range"));
            }
            exponent = exponent * 10 + (text.charAt(i) - '0');
        }
        if (negative ? pow10 < Integer.MIN_VALUE + exponent : pow10 > Integer.MAX_VALUE - exponent) {
            throw fail(syntaxError("exponent outside valid range"));
        }
    }

    /** {@code ULLONG_MAX / 10}: past it, Open vSwitch stops adding digits to the significand. */
    private static final long MAX_SIGNIFICAND = Long.divideUnsigned(-1L, 10);

    private String syntaxError(String reason) {
        return "JSON syntax error at byte " + parser.currentTokenLocation().getByteOffset() + ": " + reason;
    }

    /**
     * The current number as a double. A number beyond the range of doubles (it would become an infinity that JSON
     * cannot write back) or too small to be a normal double is refused, as Open vSwitch refuses it: C's
     * {@code strtod} reports both as out of range.
     */
    private double finite() throws IOException {
        double value = parser.getDoubleValue();
        if (Double.isInfinite(value) || (value != 0 && Math.abs(value) < Double.MIN_NORMAL)) {
            throw fail(syntaxError("number outside valid range: " + abbreviate(parser.getText())));
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
            treeBytes += TreeCost.MEMBER;
        } else {
            ((ArrayNode) top).add(value);
            treeBytes += TreeCost.ELEMENT;
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
