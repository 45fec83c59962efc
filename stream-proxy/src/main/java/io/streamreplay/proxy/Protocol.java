package io.streamreplay.proxy;

/** What {@code --protocol} the proxy assumes its traffic speaks, to count messages in it. */
enum Protocol {
    /** Bytes only. */
    RAW,
    /** JSON-RPC 1.0 as OVSDB uses it: requests, replies, notifications, error replies, request-to-reply latency. */
    JSONRPC,
    /** A line protocol: each line counted by its first word ({@code REQ 1 data}, {@code ACK 1}). */
    LINES;

    /** A new observer for one connection, counting on {@code meter}. */
    MessageObserver observer(String connection, Meter meter) {
        return switch (this) {
            case RAW -> MessageObserver.NONE;
            case JSONRPC -> new JsonRpcObserver(connection, meter);
            case LINES -> new LineObserver(meter);
        };
    }
}
