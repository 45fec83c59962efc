package io.streamreplay.tool.drive;

import io.streamreplay.tool.drive.RecordedConnection.ExpectedBytes;
import io.streamreplay.tool.drive.RecordedConnection.ExpectedDigest;
import io.streamreplay.tool.drive.RecordedConnection.ExpectedMessage;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * What the recorded server sent on one {@link RecordedConnection}, read ahead and held until a drive's checks take
 * it out: JSON-RPC replies by id and notifications in order (a stream-proxy recording holds them in full), raw
 * reply bytes, or, for a recording without content, the length and CRC-32C of each chunk. The bytes held count in
 * the drive's {@link RecordedConnection.Held}, which bounds the read-ahead.
 *
 * <p>Loop thread only, as the drive.
 */
final class RecordedReplies {

    private final RecordedConnection.Held held;
    private final Map<String, ArrayDeque<ExpectedMessage>> replies = new HashMap<>();
    private final ArrayDeque<ExpectedMessage> notifications = new ArrayDeque<>();
    private final ArrayDeque<ExpectedBytes> bytes = new ArrayDeque<>();
    private final ArrayDeque<ExpectedDigest> digests = new ArrayDeque<>();

    RecordedReplies(RecordedConnection.Held held) {
        this.held = held;
    }

    /** Holds a reply with JSON-RPC id {@code id} (its JSON text). */
    void addReply(String id, ExpectedMessage reply) {
        held.bytes += reply.bytes().length;
        replies.computeIfAbsent(id, k -> new ArrayDeque<>()).add(reply);
    }

    /** Holds a notification, after those before it. */
    void addNotification(ExpectedMessage notification) {
        held.bytes += notification.bytes().length;
        notifications.add(notification);
    }

    /** Holds reply bytes of a raw stream, after those before them. */
    void addBytes(ExpectedBytes chunk) {
        held.bytes += chunk.bytes().length;
        bytes.add(chunk);
    }

    /** Holds the digest of a chunk the server sent (a few bytes: not counted as held). */
    void addDigest(ExpectedDigest digest) {
        digests.add(digest);
    }

    /** The recorded reply with JSON-RPC id {@code id}, taken out; null if none is read (yet). */
    ExpectedMessage takeReply(String id) {
        ArrayDeque<ExpectedMessage> queue = replies.get(id);
        ExpectedMessage reply = queue == null ? null : queue.poll();
        if (reply != null) {
            held.bytes -= reply.bytes().length;
            if (queue.isEmpty()) {
                replies.remove(id);
            }
        }
        return reply;
    }

    /** The next recorded notification, taken out; null if none is read (yet). */
    ExpectedMessage takeNotification() {
        ExpectedMessage notification = notifications.poll();
        if (notification != null) {
            held.bytes -= notification.bytes().length;
        }
        return notification;
    }

    /** Counts {@code length} bytes of recorded replies taken out by a check as no longer held. */
    void release(int length) {
        held.bytes -= length;
    }

    /** The recorded reply bytes (raw, in full), in order; a check takes them out and {@link #release}s them. */
    ArrayDeque<ExpectedBytes> bytes() {
        return bytes;
    }

    /** The recorded reply chunks (length and CRC), in order. */
    ArrayDeque<ExpectedDigest> digests() {
        return digests;
    }
}
