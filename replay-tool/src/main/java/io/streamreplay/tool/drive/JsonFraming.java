package io.streamreplay.tool.drive;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamreplay.jsonrpc.MessageParser;
import io.streamreplay.jsonrpc.ProtocolException;
import java.util.Arrays;

/**
 * Cuts a byte stream of back-to-back JSON texts into messages, each with its exact bytes (white space before it
 * included), by the library's {@link MessageParser}. Keeps only the bytes of the message in progress. Not
 * thread-safe.
 */
final class JsonFraming {

    /** The largest message accepted, as the library's servers accept by default. */
    static final long MAX_MESSAGE = 64L << 20;

    /** One message: its tree, its bytes, and where it ends in the stream (bytes from the start). */
    // The bytes are handed over as cut, never modified afterwards.
    @SuppressWarnings("ArrayRecordComponent")
    record Framed(JsonNode json, byte[] bytes, long end) {
    }

    private final MessageParser parser = new MessageParser(MAX_MESSAGE);
    private byte[] held = new byte[0];
    /** The stream offset of {@code held[0]}. */
    private long heldStart;
    private int heldLength;

    /**
     * Adds {@code data}; call {@link #next()} until it returns null before adding more.
     *
     * @throws ProtocolException if the bytes are not JSON texts
     */
    void feed(byte[] data) throws ProtocolException {
        if (heldLength + data.length > held.length) {
            held = Arrays.copyOf(held, Math.max(heldLength + data.length, held.length * 2));
        }
        System.arraycopy(data, 0, held, heldLength, data.length);
        heldLength += data.length;
        parser.feed(data, 0, data.length);
    }

    /**
     * The next complete message, or null until more bytes are fed.
     *
     * @throws ProtocolException if the bytes are not JSON texts
     */
    Framed next() throws ProtocolException {
        JsonNode json = parser.next();
        if (json == null) {
            return null;
        }
        long end = parser.messageEnd();
        int length = (int) (end - heldStart);
        byte[] bytes = Arrays.copyOf(held, length);
        System.arraycopy(held, length, held, 0, heldLength - length);
        heldLength -= length;
        heldStart = end;
        return new Framed(json, bytes, end);
    }

    /** Bytes fed that are not part of a complete message yet. */
    int pending() {
        return heldLength;
    }
}
