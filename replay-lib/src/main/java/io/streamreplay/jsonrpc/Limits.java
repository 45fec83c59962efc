package io.streamreplay.jsonrpc;

/**
 * Bounds that keep misbehaving peers from exhausting the process. Immutable.
 *
 * @param maxMessageBytes the largest JSON text accepted from a peer; a larger one fails the connection
 * @param maxBacklogBytes the most bytes queued for a peer that does not read; past it the connection fails
 * @param maxTotalBufferedBytes the most bytes a {@link JsonRpcServer} holds for all its peers together: queued for
 *     peers that do not read, plus messages received in part (twice their bytes, and the estimated heap of what
 *     parsing built from them, {@link TreeCost}); past it, the peer holding the most is dropped
 */
public record Limits(long maxMessageBytes, long maxBacklogBytes, long maxTotalBufferedBytes) {

    /** 64 MiB messages and a 256 MiB backlog per peer, with no total: for clients, which have one peer. */
    public static final Limits DEFAULT = new Limits(64L << 20, 256L << 20);

    /** Checks the bounds are positive. */
    public Limits {
        if (maxMessageBytes <= 0 || maxBacklogBytes <= 0 || maxTotalBufferedBytes <= 0) {
            throw new IllegalArgumentException("limits must be positive");
        }
    }

    /** Per-peer limits without a total. */
    public Limits(long maxMessageBytes, long maxBacklogBytes) {
        this(maxMessageBytes, maxBacklogBytes, Long.MAX_VALUE);
    }

    /**
     * Limits for a server whose heap holds {@code heapBytes}: messages up to a sixteenth of it (at most 64 MiB,
     * since a parsed message takes a few times its size), a backlog per peer up to an eighth (at most 256 MiB), and
     * all backlogs together up to a quarter. A server replaying should pass the heap size of the recorded run (a
     * recorded value), so that its limits, and what they make it do, are the same.
     */
    public static Limits forHeap(long heapBytes) {
        return new Limits(Math.min(64L << 20, heapBytes / 16), Math.min(256L << 20, heapBytes / 8), heapBytes / 4);
    }
}
