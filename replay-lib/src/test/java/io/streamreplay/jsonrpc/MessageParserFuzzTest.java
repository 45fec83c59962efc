package io.streamreplay.jsonrpc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Fuzzing of the incremental JSON-RPC parser and message validation: on any bytes, split anywhere, the parser either
 * yields messages or fails with a {@link ProtocolException}; nothing else escapes, nothing hangs, and every message
 * it accepts serializes and parses back to itself. {@code mvn verify} replays the checked-in corpus
 * ({@code MessageParserFuzzTestInputs/}); {@code JAZZER_FUZZ=1 mvn test -pl replay-lib -Dtest=MessageParserFuzzTest}
 * fuzzes.
 */
class MessageParserFuzzTest {

    @FuzzTest(maxDuration = "60s")
    void anyBytesSplitAnywhereParseToMessagesOrAProtocolError(FuzzedDataProvider data) throws Exception {
        int split = data.consumeInt(0, 4096);
        byte[] input = data.consumeRemainingAsBytes();
        MessageParser parser = new MessageParser(64 * 1024);
        List<Message> messages = new ArrayList<>();
        try {
            int first = Math.min(split, input.length);
            parser.feed(input, 0, first);
            drain(parser, messages);
            parser.feed(input, first, input.length - first);
            drain(parser, messages);
        } catch (ProtocolException expected) {
            // Malformed input: the connection would be failed with this message.
        }
        for (Message message : messages) {
            MessageParser again = new MessageParser(1 << 20);
            byte[] bytes = Json.toBytes(message);
            again.feed(bytes, 0, bytes.length);
            assertEquals(message.toJson(), again.next(), "a message serializes and parses back to itself");
        }
    }

    private static void drain(MessageParser parser, List<Message> messages) throws ProtocolException {
        for (JsonNode json = parser.next(); json != null; json = parser.next()) {
            messages.add(Message.fromJson(json));
        }
    }
}
