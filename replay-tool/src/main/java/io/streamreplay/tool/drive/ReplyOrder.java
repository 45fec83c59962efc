package io.streamreplay.tool.drive;

import java.util.ArrayDeque;
import java.util.function.Predicate;

/**
 * The order in which the recorded server delivered its replies, across all connections, and how far the live drive
 * has caught up with it. A step waits for every reply the recorded server had delivered, to any client, before the
 * step was recorded: what a client does after another client's reply may depend on it (a script that runs
 * {@code ovs-vsctl} twice opens its second connection only once the first one's transaction is done). Replies
 * delivered after a step never hold it up, so one client that waits long does not stop the others. Not thread-safe.
 */
final class ReplyOrder {

    /**
     * One reply delivery of the recorded server: on {@code connection}, the {@code nth} reply with JSON-RPC id
     * {@code id}, or (raw streams, {@code id} null) the point where {@code bytes} had been delivered.
     */
    record Delivery(RecordedConnection connection, String id, int nth, long bytes) {
    }

    private final ArrayDeque<Delivery> pending = new ArrayDeque<>();
    private long count;
    private long caughtUp;

    /** Notes a delivery; returns its index. */
    long delivered(RecordedConnection connection, String id, int nth, long bytes) {
        pending.add(new Delivery(connection, id, nth, bytes));
        return count++;
    }

    /** How many deliveries are noted: a step made now waits for all of them. */
    long count() {
        return count;
    }

    /**
     * Moves past every delivery, in order, that {@code arrived} says the drive has seen (or will never see);
     * returns how many deliveries are behind the drive now.
     */
    long catchUp(Predicate<Delivery> arrived) {
        while (!pending.isEmpty() && arrived.test(pending.peek())) {
            pending.poll();
            caughtUp++;
        }
        return caughtUp;
    }

    /** How many deliveries the drive has caught up with. */
    long caughtUp() {
        return caughtUp;
    }
}
