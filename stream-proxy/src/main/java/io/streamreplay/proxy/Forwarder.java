package io.streamreplay.proxy;

import io.streamreplay.poll.PollLoop;
import io.streamreplay.stream.PassiveStream;
import io.streamreplay.stream.Stream;
import io.streamreplay.stream.StreamProvider;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The proxy's work: listeners that accept clients, and for each client a new connection to the upstream, joined by
 * a {@link ProxyConnection}. Past {@code maxConnections} open connections, nothing more is accepted until one ends
 * (clients wait in the listener's backlog), which bounds the proxy's buffers.
 *
 * <p>Every stream comes from one {@link StreamProvider}, so that recording, replay (and, below them, injected
 * faults) apply to both sides of every connection. Loop thread only.
 */
final class Forwarder implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Forwarder.class);

    private record Listener(String name, PassiveStream stream, Scope scope) {
    }

    private final PollLoop loop;
    private final StreamProvider streams;
    private final String upstream;
    private final Protocol protocol;
    private final int bufferBytes;
    private final int maxConnections;
    private final ProxyStats stats;
    private final List<Listener> listeners = new ArrayList<>();
    private final List<ProxyConnection> connections = new ArrayList<>();
    private long accepted;

    Forwarder(PollLoop loop, StreamProvider streams, String upstream, Protocol protocol, int bufferBytes,
            int maxConnections, ProxyStats stats) {
        this.loop = loop;
        this.streams = streams;
        this.upstream = upstream;
        this.protocol = protocol;
        this.bufferBytes = bufferBytes;
        this.maxConnections = maxConnections;
        this.stats = stats;
    }

    /**
     * Listens on {@code name}.
     *
     * @throws IOException if the address cannot be bound
     */
    void listen(String name, Scope scope) throws IOException {
        PassiveStream stream = streams.listen(name);
        listeners.add(new Listener(name, stream, scope));
        stats.bound(name, stream.name());
        log.info("{}: listening, forwarding to {}", stream.name(), upstream);
    }

    /** Accepts clients, and moves every connection's bytes. */
    void run() {
        for (Listener listener : listeners) {
            while (connections.size() < maxConnections && accept(listener)) {
                // One more client.
            }
        }
        for (Iterator<ProxyConnection> it = connections.iterator(); it.hasNext();) {
            ProxyConnection connection = it.next();
            if (!connection.run()) {
                it.remove();
                stats.closed(connection);
            }
        }
    }

    /** Accepts one client from {@code listener}; returns whether there was one. */
    private boolean accept(Listener listener) {
        Stream client;
        try {
            client = listener.stream().accept();
        } catch (IOException e) {
            listener.scope().traffic().errors.incrementAndGet();
            log.warn("{}", e.getMessage());
            return false;
        }
        if (client == null) {
            return false;
        }
        Traffic own = new Traffic();
        Meter meter = new Meter(List.of(own, listener.scope().traffic(), stats.upstream().traffic()),
                List.of(listener.scope().latency(), stats.upstream().latency()));
        Stream toUpstream;
        try {
            toUpstream = streams.open(upstream);
        } catch (IOException e) {
            meter.opened();
            meter.connectError();
            meter.closed();
            log.warn("{}: cannot open the upstream, resetting the client: {}", client.name(), e.getMessage());
            client.reset();
            return true;
        }
        ProxyConnection connection = new ProxyConnection(++accepted, listener.name(), client, toUpstream, meter, own,
                protocol, bufferBytes, loop);
        connections.add(connection);
        stats.opened(connection);
        return true;
    }

    /** Registers what the listeners and connections wait for. */
    void waitAll() {
        if (connections.size() < maxConnections) {
            for (Listener listener : listeners) {
                listener.stream().waitAccept(loop, "accept");
            }
        }
        for (ProxyConnection connection : connections) {
            connection.waitAll(loop);
        }
    }

    /** Closes every connection and listener. */
    @Override
    public void close() {
        for (ProxyConnection connection : connections) {
            connection.close();
            stats.closed(connection);
        }
        connections.clear();
        for (Listener listener : listeners) {
            listener.stream().close();
        }
        listeners.clear();
    }
}
