package io.streamreplay.replay;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * One event of a recording as a tool sees it: a record with the stream and file it belongs to. Read with
 * {@link RecordingReader}. Immutable (the payload is not copied; do not modify it).
 *
 * @param seq the process-wide sequence number
 * @param time nanoseconds since the recording started
 * @param type what the event records
 * @param stream the name of the stream, listener or source whose file holds it
 * @param file that file
 * @param offset where the record starts in the file
 * @param payload the record's payload, as {@code docs/replay-format.md} describes it for {@code type}
 */
// The payload is handed out without a copy, as read; events are compared by their fields, never as a whole.
@SuppressWarnings("ArrayRecordComponent")
public record RecordedEvent(long seq, long time, RecordType type, String stream, Path file, long offset,
        byte[] payload) {

    /**
     * The number of bytes the event moved: received for {@link RecordType#RECV_DATA}, accepted by the stream for
     * {@link RecordType#SEND_OK}, the payload's size otherwise.
     */
    public int length() {
        return type == RecordType.SEND_OK ? ByteBuffer.wrap(payload).getInt(0) : payload.length;
    }

    /** For an error type, the recorded exception as {@code class: message}; otherwise null. */
    public String errorText() {
        if (!type.isError()) {
            return null;
        }
        ByteBuffer buffer = ByteBuffer.wrap(payload);
        int typeLength = buffer.getShort() & 0xffff;
        String exception = new String(payload, 2, typeLength, StandardCharsets.UTF_8);
        String message = new String(payload, 2 + typeLength, payload.length - 2 - typeLength, StandardCharsets.UTF_8);
        return message.isEmpty() ? exception : exception + ": " + message;
    }

    /**
     * For {@link RecordType#SEND_OK}, the CRC-32C of the bytes sent (the bytes themselves are not recorded);
     * otherwise 0.
     */
    public int sentDigest() {
        return type == RecordType.SEND_OK ? ByteBuffer.wrap(payload).getInt(4) : 0;
    }

    /**
     * What the payload says as text, for the types whose payload is text: the peer of {@code connect-ok}, the
     * bound name of {@code listen-ok}, the accepted stream and its peer of {@code accept-ok} ({@code NAME from
     * PEER}, or only NAME when the peer has no address, as on Unix sockets); otherwise null.
     */
    public String detail() {
        switch (type) {
            case CONNECT_OK:
            case LISTEN_OK:
                return new String(payload, StandardCharsets.UTF_8);
            case ACCEPT_OK:
                int nameLength = ByteBuffer.wrap(payload).getShort() & 0xffff;
                String accepted = new String(payload, 2, nameLength, StandardCharsets.UTF_8);
                String peer = new String(payload, 2 + nameLength, payload.length - 2 - nameLength,
                        StandardCharsets.UTF_8);
                return peer.isEmpty() ? accepted : accepted + " from " + peer;
            default:
                return null;
        }
    }
}
