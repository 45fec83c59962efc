package io.streamreplay.dbserver.server;

import io.streamreplay.jsonrpc.JsonRpcSession;

/**
 * Counters of the server's work since it started, for the {@code stats} control command.
 *
 * <p>Loop thread only.
 */
public final class ServerStats {

    long connectionsOpened;
    long requests;
    long transactions;
    private long closedBytesIn;
    private long closedBytesOut;

    void addClosed(JsonRpcSession session) {
        closedBytesIn += session.receivedBytes();
        closedBytesOut += session.sentBytes();
    }

    /** Connections accepted or made since start. */
    public long connectionsOpened() {
        return connectionsOpened;
    }

    /** Requests received. */
    public long requests() {
        return requests;
    }

    /** Transactions committed that changed something. */
    public long transactions() {
        return transactions;
    }

    /** Bytes received on connections that have closed. */
    public long closedBytesIn() {
        return closedBytesIn;
    }

    /** Bytes sent on connections that have closed. */
    public long closedBytesOut() {
        return closedBytesOut;
    }
}
