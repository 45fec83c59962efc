package io.streamreplay.replay;

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
 * @param startsIteration whether the event is the first of a loop iteration of the recorded process (recordings of
 *     format 2; a {@link RecordType#TICK} always is), whose time the whole iteration saw
 */
// The payload is handed out without a copy, as read; events are compared by their fields, never as a whole.
@SuppressWarnings("ArrayRecordComponent")
public record RecordedEvent(long seq, long time, RecordType type, String stream, Path file, long offset,
        byte[] payload, boolean startsIteration) {

    /**
     * The number of bytes the event moved: received for {@link RecordType#RECV_DATA}, accepted by the stream for
     * {@link RecordType#SEND_OK}, the payload's size otherwise.
     */
    public int length() {
        return type == RecordType.SEND_OK ? Payloads.sentLength(payload) : payload.length;
    }

    /** For an error type, the recorded exception as {@code class: message}; otherwise null. */
    public String errorText() {
        return type.isError() ? Payloads.errorText(payload) : null;
    }

    /**
     * For {@link RecordType#SEND_OK}, the CRC-32C of the bytes sent (the bytes themselves are not recorded);
     * otherwise 0.
     */
    public int sentDigest() {
        return type == RecordType.SEND_OK ? Payloads.sentDigest(payload) : 0;
    }

    /**
     * What the payload says as text, for the types whose payload is text: the peer of {@code connect-ok}, the
     * bound name of {@code listen-ok}, the accepted stream and its peer of {@code accept-ok} ({@code NAME from
     * PEER}, or only NAME when the peer has no address, as on Unix sockets); otherwise null.
     */
    public String detail() {
        return switch (type) {
            case CONNECT_OK, LISTEN_OK -> Payloads.text(payload);
            case ACCEPT_OK -> {
                Payloads.Accepted accepted = Payloads.accepted(payload);
                yield accepted.peer().isEmpty() ? accepted.name() : accepted.name() + " from " + accepted.peer();
            }
            default -> null;
        };
    }
}
