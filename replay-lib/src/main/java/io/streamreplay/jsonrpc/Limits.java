package io.streamreplay.jsonrpc;

/**
 * Bounds that keep one misbehaving peer from exhausting the process.
 *
 * @param maxMessageBytes the largest JSON text accepted from the peer; a larger one fails the connection
 * @param maxBacklogBytes the most bytes queued for a peer that does not read; past it the connection fails
 */
public record Limits(long maxMessageBytes, long maxBacklogBytes) {

    /** 64 MiB messages and a 256 MiB backlog: generous for OVSDB dumps, finite for hostile peers. */
    public static final Limits DEFAULT = new Limits(64L << 20, 256L << 20);

    /** Checks both bounds are positive. */
    public Limits {
        if (maxMessageBytes <= 0 || maxBacklogBytes <= 0) {
            throw new IllegalArgumentException("limits must be positive");
        }
    }
}
