package io.streamreplay.proxy;

import io.streamreplay.poll.PollLoop;
import io.streamreplay.stream.Stream;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One accepted client and the upstream connection opened for it, joined by two {@link Pump}s. Half-closes travel
 * through on their own; a failure of either side (an upstream that refuses the connection, a reset, a TLS error) is
 * passed on as a reset of the other side, and ends the connection.
 *
 * <p>Loop thread only, except the getters that statistics read.
 */
final class ProxyConnection {

    private static final Logger log = LoggerFactory.getLogger(ProxyConnection.class);

    /** Where a connection is, for statistics. */
    enum State {
        CONNECTING, OPEN, HALF_CLOSED, CLOSED
    }

    private final long serial;
    private final String name;
    private final String peer;
    private final String listener;
    private final Stream client;
    private final Stream upstream;
    private final Meter meter;
    private final Traffic traffic;
    private final Pump up;
    private final Pump down;
    private boolean upstreamConnected;
    private volatile State state = State.CONNECTING;
    private volatile String upstreamPeer = "";

    /**
     * @param serial the connection's number, in the order the proxy accepted them
     * @param listener the listener's name as configured
     * @param traffic the connection's own counters (also among {@code meter}'s)
     */
    ProxyConnection(long serial, String listener, Stream client, Stream upstream, Meter meter, Traffic traffic,
            Protocol protocol, int bufferBytes, PollLoop loop) {
        this.serial = serial;
        this.name = client.name();
        this.peer = client.peer();
        this.listener = listener;
        this.client = client;
        this.upstream = upstream;
        this.meter = meter;
        this.traffic = traffic;
        MessageObserver observer = protocol.observer(client.name(), meter);
        this.up = new Pump(client, upstream, Direction.UPSTREAM, bufferBytes, meter, observer, loop);
        this.down = new Pump(upstream, client, Direction.DOWNSTREAM, bufferBytes, meter, observer, loop);
        meter.opened();
    }

    /** Moves what can be moved; returns false once the connection is over. */
    boolean run() {
        if (state == State.CLOSED) {
            return false;
        }
        try {
            if (!upstreamConnected) {
                connectUpstream();
            }
            up.run();
            down.run();
        } catch (ForwardingFailure failure) {
            fail(failure);
            return false;
        }
        if (up.done() && down.done()) {
            log.info("{}: closed by both sides ({} bytes to the upstream, {} back)", client.name(),
                    traffic.bytesUpstream.get(), traffic.bytesDownstream.get());
            end(false);
            return false;
        }
        if (upstreamConnected) {
            state = up.ended() || down.ended() ? State.HALF_CLOSED : State.OPEN;
        }
        return true;
    }

    private void connectUpstream() throws ForwardingFailure {
        try {
            upstreamConnected = upstream.connect();
        } catch (IOException e) {
            throw new ForwardingFailure(upstream, e);
        }
        if (upstreamConnected) {
            upstreamPeer = upstream.peer();
            log.info("{}: {}connected to upstream {}", client.name(), peer.isEmpty() ? "" : "from " + peer + ", ",
                    upstream.peer().isEmpty() ? upstream.name() : upstream.peer());
        }
    }

    /** Passes a failure on to the other side as a reset, and ends the connection. */
    private void fail(ForwardingFailure failure) {
        if (failure.stream() == upstream && !upstreamConnected) {
            meter.connectError();
            log.warn("{}: cannot reach the upstream, resetting the client: {}", client.name(), failure.getMessage());
        } else {
            meter.error();
            log.info("{}: {}; resetting the {}", client.name(), failure.getMessage(),
                    failure.stream() == upstream ? "client" : "upstream");
        }
        if (failure.stream() == upstream) {
            upstream.close();
            client.reset();
        } else {
            client.close();
            upstream.reset();
        }
        end(true);
    }

    private void end(boolean failed) {
        if (!failed) {
            client.close();
            upstream.close();
        }
        state = State.CLOSED;
        meter.closed();
    }

    /** Registers what the connection waits for. */
    void waitAll(PollLoop loop) {
        if (state == State.CLOSED) {
            return;
        }
        if (!upstreamConnected) {
            upstream.waitConnect(loop, "upstream connect");
        }
        up.waitAll("to upstream");
        down.waitAll("to client");
    }

    /** Closes both sides at once (the proxy is stopping). */
    void close() {
        if (state != State.CLOSED) {
            end(false);
        }
    }

    long serial() {
        return serial;
    }

    String name() {
        return name;
    }

    String peer() {
        return peer;
    }

    String listener() {
        return listener;
    }

    String upstreamPeer() {
        return upstreamPeer;
    }

    State state() {
        return state;
    }

    Traffic traffic() {
        return traffic;
    }

    /** The bytes held in the two buffers. Any thread. */
    long buffered() {
        return (long) up.held() + down.held();
    }
}
