package io.streamreplay.jsonrpc;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Incremental parsing of back-to-back JSON texts, whatever the byte boundaries. */
class MessageParserTest {

    private static final String STREAM =
            "{\"id\":0,\"method\":\"echo\",\"params\":[\"h\u00e9llo \u2603 \ud83d\ude00\"]}"
                    + "{\"id\":0,\"result\":[1,2.5,1.0,1e2,-0,true,null,{}],\"error\":null}\n \t\r"
                    + "[1,[2,[3]]]{\"id\":null,\"method\":\"update\",\"params\":[null,{\"a\":{\"b\":\"\\u00e9\\n\"}}]}";

    private static List<JsonNode> parseInChunks(byte[] bytes, int... cuts) throws ProtocolException {
        MessageParser parser = new MessageParser(1 << 20);
        List<JsonNode> values = new ArrayList<>();
        int start = 0;
        List<Integer> points = new ArrayList<>();
        for (int cut : cuts) {
            points.add(cut);
        }
        points.add(bytes.length);
        for (int end : points) {
            parser.feed(bytes, start, end - start);
            JsonNode value;
            while ((value = parser.next()) != null) {
                values.add(value);
            }
            start = end;
        }
        return values;
    }

    @Test
    void everySplitPointParsesTheSame() throws Exception {
        byte[] bytes = STREAM.getBytes(StandardCharsets.UTF_8);
        List<JsonNode> whole = parseInChunks(bytes);
        assertEquals(4, whole.size());
        for (int cut = 1; cut < bytes.length; cut++) {
            assertEquals(whole, parseInChunks(bytes, cut), "split at byte " + cut);
        }
    }

    @Test
    void oneByteAtATimeParsesTheSame() throws Exception {
        byte[] bytes = STREAM.getBytes(StandardCharsets.UTF_8);
        int[] cuts = new int[bytes.length - 1];
        for (int i = 0; i < cuts.length; i++) {
            cuts[i] = i + 1;
        }
        assertEquals(parseInChunks(bytes), parseInChunks(bytes, cuts));
    }

    @Test
    void messageEndCutsTheBytesIntoEachMessageAtEverySplitPoint() throws Exception {
        byte[] bytes = STREAM.getBytes(StandardCharsets.UTF_8);
        String[] expected = {"{\"id\":0,\"method\":\"echo\",\"params\":[\"h\u00e9llo \u2603 \ud83d\ude00\"]}",
                "{\"id\":0,\"result\":[1,2.5,1.0,1e2,-0,true,null,{}],\"error\":null}", "[1,[2,[3]]]",
                "{\"id\":null,\"method\":\"update\",\"params\":[null,{\"a\":{\"b\":\"\\u00e9\\n\"}}]}"};
        for (int chunk = 1; chunk <= bytes.length; chunk++) {
            MessageParser parser = new MessageParser(1 << 20);
            List<String> messages = new ArrayList<>();
            long start = 0;
            for (int offset = 0; offset < bytes.length; offset += chunk) {
                parser.feed(bytes, offset, Math.min(chunk, bytes.length - offset));
                while (parser.next() != null) {
                    String text = new String(bytes, (int) start, (int) (parser.messageEnd() - start),
                            StandardCharsets.UTF_8);
                    messages.add(text.strip());
                    start = parser.messageEnd();
                }
            }
            assertEquals(List.of(expected), messages, "fed " + chunk + " bytes at a time");
        }
    }

    @Test
    void numbersAreTypedByValueAsOpenVswitchDoes() throws Exception {
        JsonNode result = parseInChunks(STREAM.getBytes(StandardCharsets.UTF_8)).get(1).get("result");
        assertTrue(result.get(0).isLong());
        assertTrue(result.get(1).isDouble());
        assertTrue(result.get(2).isLong(), "1.0 is an integer");
        assertEquals(100, result.get(3).asLong(), "1e2 is the integer 100");
        assertTrue(result.get(3).isLong());
        assertTrue(result.get(4).isLong());
        assertTrue(
                parseInChunks("[123456789012345678901234567890]".getBytes(StandardCharsets.UTF_8)).get(0).get(0)
                        .isDouble(),
                "beyond int64 is a real");
    }

    /** The reason a stream holding {@code message} is refused for, after the position. */
    private static String refusal(byte[] message) {
        ProtocolException error = assertThrows(ProtocolException.class, () -> parseInChunks(message));
        return error.getMessage().replaceFirst("^JSON syntax error at byte \\d+: ", "");
    }

    private static String refusal(String message) {
        return refusal(message.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void numbersOpenVswitchCannotReadAreRefusedWithItsWords() {
        // Beyond the range of doubles (it used to become an infinity, found by fuzzing), and too small to be a
        // normal double: C's strtod says both are out of range, and ovsdb-server 3.1 drops the connection.
        for (String number : List.of("1.5e3817", "-1e400", "1" + "0".repeat(400), "1e-310", "5e-324", "-2e-320")) {
            String reason = refusal("{\"id\":1,\"method\":\"echo\",\"params\":[" + number + "]}");
            assertTrue(reason.startsWith("number outside valid range: "), number + ": " + reason);
        }
        // ovsdb-server 3.1 refuses these exponents whatever the value they give.
        for (String number : List.of("0e99999999999", "1e-2147483649", "1.5E2147483647")) {
            assertEquals("exponent outside valid range", refusal("[" + number + "]"), number);
        }
        // Underflow to zero and the smallest normal double are values, as in ovsdb-server 3.1.
        assertEquals(0, parseOne("[1e-400]").get(0).asLong());
        assertEquals(Double.MIN_NORMAL, parseOne("[2.2250738585072014e-308]").get(0).asDouble());
        assertEquals(1e-300, parseOne("[1e-300]").get(0).asDouble());
    }

    @Test
    void stringsOpenVswitchCannotReadAreRefusedWithItsWords() {
        assertEquals("null bytes not supported in quoted strings", refusal("[\"a\\u0000b\"]"));
        assertEquals("null bytes not supported in quoted strings", refusal("{\"a\\u0000\":1}"));
        assertEquals("malformed escaped surrogate pair", refusal("[\"\\ud800\"]"));
        assertEquals("malformed escaped surrogate pair", refusal("[\"\\ud800x\"]"));
        assertEquals("malformed escaped surrogate pair", refusal("[\"\\ud800\\u0041\"]"));
        assertEquals("malformed escaped surrogate pair", refusal("{\"\\udbff\":1}"));
        // A pair is one character; a lone low surrogate passes, as in ovsdb-server (the database refuses it).
        assertEquals("\ud83d\ude00", parseOne("[\"\\ud83d\\ude00\"]").get(0).asText());
        assertEquals("\udc00", parseOne("[\"\\udc00\"]").get(0).asText());
    }

    @Test
    void everyInvalidUtf8SequenceIsRefusedNamingItsBytes() {
        // Overlong forms (0xc0 0x80 would be NUL), encoded surrogates, past U+10FFFF, stray and missing bytes.
        assertEquals("invalid UTF-8 sequence 0xc0", refusal(bytes('[', '"', 0xc0, 0x80, '"', ']')));
        assertEquals("invalid UTF-8 sequence 0xe0 0x80", refusal(bytes('[', '"', 0xe0, 0x80, 0x80, '"', ']')));
        assertEquals("invalid UTF-8 sequence 0xed 0xa0", refusal(bytes('[', '"', 0xed, 0xa0, 0x80, '"', ']')));
        assertEquals("invalid UTF-8 sequence 0xf4 0x90", refusal(bytes('[', '"', 0xf4, 0x90, 0x80, 0x80, '"', ']')));
        assertEquals("invalid UTF-8 sequence 0x80", refusal(bytes('[', '"', 0x80, '"', ']')));
        assertEquals("invalid UTF-8 sequence 0xc3 0x28", refusal(bytes('[', '"', 0xc3, 0x28, '"', ']')));
        assertEquals("invalid UTF-8 sequence 0xff", refusal(bytes('[', '"', 0xff, '"', ']')));
        // Valid sequences pass, split anywhere.
        byte[] valid = "[\"\u00e9\u2603\ud83d\ude00\"]".getBytes(StandardCharsets.UTF_8);
        for (int cut = 1; cut < valid.length; cut++) {
            int at = cut;
            assertEquals("\u00e9\u2603\ud83d\ude00", assertDoesNotThrow(() -> parseInChunks(valid, at)).get(0).get(0)
                    .asText());
        }
    }

    @Test
    void whatParsingBuildsCountsNotOnlyTheBytesReceived() throws Exception {
        // "{}," is three bytes of text and an object node, a map and an array slot of heap.
        MessageParser parser = new MessageParser(1 << 20);
        String message = "{\"id\":1,\"method\":\"echo\",\"params\":[" + "{},".repeat(10_000);
        byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
        parser.feed(bytes, 0, bytes.length);
        assertNull(parser.next());
        long tree = 10_000 * (TreeCost.OBJECT + TreeCost.ELEMENT);
        assertTrue(parser.pendingBytes() >= bytes.length + tree, parser.pendingBytes() + " bytes pending");
    }

    private static JsonNode parseOne(String text) {
        return assertDoesNotThrow(() -> parseInChunks(text.getBytes(StandardCharsets.UTF_8))).get(0);
    }

    private static byte[] bytes(int... values) {
        byte[] bytes = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            bytes[i] = (byte) values[i];
        }
        return bytes;
    }

    @Test
    void aTopLevelScalarIsASyntaxError() {
        ProtocolException error =
                assertThrows(ProtocolException.class, () -> parseInChunks("\"x\"".getBytes(StandardCharsets.UTF_8)));
        assertTrue(error.getMessage().contains("syntax error at beginning of input"), error.getMessage());
    }

    @Test
    void garbageIsASyntaxErrorWithItsPosition() {
        ProtocolException error = assertThrows(ProtocolException.class,
                () -> parseInChunks("{\"id\":1}{\"a\" 1}".getBytes(StandardCharsets.UTF_8)));
        assertTrue(error.getMessage().startsWith("JSON syntax error at byte "), error.getMessage());
    }

    @Test
    void invalidUtf8AndRawControlCharactersAreRejected() {
        assertThrows(ProtocolException.class, () -> parseInChunks(new byte[] {'[', '"', (byte) 0xC3, 0x28, '"', ']'}));
        assertThrows(ProtocolException.class, () -> parseInChunks("[\"a\u0001b\"]".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void nestingDeeperThanTheLimitIsRejected() throws Exception {
        String ok = "[".repeat(MessageParser.MAX_DEPTH) + "]".repeat(MessageParser.MAX_DEPTH);
        assertEquals(1, parseInChunks(ok.getBytes(StandardCharsets.UTF_8)).size());
        String deep = "[".repeat(MessageParser.MAX_DEPTH + 1) + "]".repeat(MessageParser.MAX_DEPTH + 1);
        assertThrows(ProtocolException.class, () -> parseInChunks(deep.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void aMessageOverTheSizeLimitIsRejectedBeforeItEnds() throws Exception {
        MessageParser parser = new MessageParser(1000);
        byte[] small = "{\"a\":\"xx\"}".getBytes(StandardCharsets.UTF_8);
        parser.feed(small, 0, small.length);
        assertEquals(1, parser.next().size());
        byte[] chunk = ("{\"a\":\"" + "x".repeat(600)).getBytes(StandardCharsets.UTF_8);
        parser.feed(chunk, 0, chunk.length);
        assertNull(parser.next());
        ProtocolException error = assertThrows(ProtocolException.class, () -> parser.feed(chunk, 0, chunk.length));
        assertEquals("message exceeds the maximum size of 1000 bytes", error.getMessage());
    }

    @Test
    void manyMessagesUnderTheLimitEachPassIt() throws Exception {
        MessageParser parser = new MessageParser(100);
        byte[] message = "{\"id\":1,\"result\":\"0123456789012345678901234567890123456789\",\"error\":null}"
                .getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < 1000; i++) {
            parser.feed(message, 0, message.length);
            assertEquals("1", parser.next().get("id").asText());
        }
    }
}
