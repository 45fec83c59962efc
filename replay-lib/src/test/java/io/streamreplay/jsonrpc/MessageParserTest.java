package io.streamreplay.jsonrpc;

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

    @Test
    void numbersBeyondTheRangeOfDoublesAreRejectedNotTurnedIntoInfinity() {
        for (String number : List.of("1.5e3817", "-1e400", "1" + "0".repeat(400))) {
            MessageParser parser = new MessageParser(1 << 20);
            ProtocolException error = assertThrows(ProtocolException.class, () -> {
                byte[] bytes =
                        ("{\"id\":1,\"method\":\"echo\",\"params\":[" + number + "]}").getBytes(StandardCharsets.UTF_8);
                parser.feed(bytes, 0, bytes.length);
                parser.next();
            });
            assertTrue(error.getMessage().startsWith("number out of range at byte 35: "), error.getMessage());
        }
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
