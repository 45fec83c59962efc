package io.streamreplay.jsonrpc;

import java.io.IOException;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The memory one {@link JsonRpcServer} may hold for all its accepted connections together
 * ({@link Limits#maxTotalBufferedBytes()}): each connection reports every change of what it holds (its send backlog,
 * plus a message received in part: twice its bytes and the estimated heap of what parsing built from them), and when the total passes the limit the connection holding
 * the most is failed, then the next, until the total is back within it.
 *
 * <p>The check runs at the change itself, not once per loop iteration, so that the same input drops the same
 * clients at the same point in a replay, whose iterations are not the recorded run's. Ties go to the connection
 * accepted first. Loop thread only.
 */
final class BufferBudget {

    private final long limit;
    private final Set<JsonRpcConnection> connections = new LinkedHashSet<>();
    private long total;
    private boolean enforcing;

    BufferBudget(long limit) {
        this.limit = limit;
    }

    void add(JsonRpcConnection connection) {
        connections.add(connection);
    }

    /** {@code connection} now holds {@code delta} bytes more (or fewer); it may be failed, or others may. */
    void changed(JsonRpcConnection connection, long delta) {
        total += delta;
        if (total <= limit || enforcing) {
            return;
        }
        enforcing = true;
        try {
            while (total > limit) {
                JsonRpcConnection largest = null;
                for (JsonRpcConnection candidate : connections) {
                    if (largest == null || candidate.bufferedBytes() > largest.bufferedBytes()) {
                        largest = candidate;
                    }
                }
                largest.overBudget(new IOException(largest.name() + ": dropped: the server holds " + total
                        + " bytes for its clients (unread replies, messages received in part), over its limit of "
                        + limit + "; this client held the most (" + largest.bufferedBytes() + ")"));
            }
        } finally {
            enforcing = false;
        }
    }

    /** {@code connection} holds nothing any more and leaves the budget. */
    void remove(JsonRpcConnection connection, long held) {
        if (connections.remove(connection)) {
            total -= held;
        }
    }
}
