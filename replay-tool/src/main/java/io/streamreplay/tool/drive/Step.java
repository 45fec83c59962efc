package io.streamreplay.tool.drive;

import java.util.List;

/**
 * One thing the recorded client did on its connection, to be done again on the live one: open it, send bytes (one
 * JSON-RPC message, or one recorded chunk of a raw stream), end its sending side, or reset it. It carries what it
 * must wait for: the recorded client did it only after it had these replies.
 */
final class Step {

    /** What the step does. */
    enum Kind {
        OPEN, SEND, SHUTDOWN, RESET
    }

    final Kind kind;
    /** The sequence number of the recorded event (the accept, or the data received from the client). */
    final long seq;
    /** When that event was recorded, in nanoseconds since the recording started. */
    final long recordedTime;
    /** The bytes to send, as recorded (SEND only); UUIDs are rewritten when the step is taken. */
    final byte[] bytes;
    /** The JSON-RPC id of a request, as JSON text; null for other steps. */
    final String id;
    /** The JSON-RPC method, or null. */
    final String method;
    /** Whether the step counts as a request: a JSON-RPC request, or a chunk of a raw stream. */
    final boolean request;
    /** The ids of the requests whose replies the recorded client had received before this step. */
    final List<String> awaitIds;
    /** The reply bytes the recorded client had been sent before this step (raw streams). */
    final long awaitBytes;
    /**
     * The notifications the recorded client had been sent before this step, in units that batching does not change
     * ({@link NotificationCheck#units}; JSON-RPC, replies in full).
     */
    final int awaitNotifications;
    /** How many of the recorded server's reply deliveries, on any connection, came before this step. */
    long repliesBefore;
    /** When the step is due, in drive nanoseconds (set by the {@link Schedule}). */
    long due;
    /**
     * For a raw send: the reply bytes the recorded client had been sent when it sent its next bytes, that is, the end
     * of this send's reply; -1 while not known.
     */
    long replyEnd = -1;

    Step(Kind kind, long seq, long recordedTime, byte[] bytes, String id, String method, boolean request,
            List<String> awaitIds, long awaitBytes, int awaitNotifications) {
        this.kind = kind;
        this.seq = seq;
        this.recordedTime = recordedTime;
        this.bytes = bytes;
        this.id = id;
        this.method = method;
        this.request = request;
        this.awaitIds = awaitIds;
        this.awaitBytes = awaitBytes;
        this.awaitNotifications = awaitNotifications;
    }

    static Step open(long seq, long time) {
        return new Step(Kind.OPEN, seq, time, null, null, null, false, List.of(), 0, 0);
    }

    /** What the step is, for messages: {@code request #42 (transact, id 4)}, {@code bytes #17}. */
    String describe() {
        return switch (kind) {
            case SEND -> method == null ? "bytes #" + seq
                    : (id != null ? "request" : "notification") + " #" + seq + " (" + method
                            + (id != null ? ", id " + id : "") + ")";
            case OPEN -> "the connection (#" + seq + ")";
            case SHUTDOWN -> "the end of the client's sending (#" + seq + ")";
            case RESET -> "the reset (#" + seq + ")";
        };
    }
}
