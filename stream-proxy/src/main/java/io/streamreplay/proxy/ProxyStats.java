package io.streamreplay.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamreplay.jsonrpc.Json;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/**
 * Everything the proxy counts: per listener, for the upstream, and per open connection, as one JSON document
 * ({@link #json}) for the {@code stats} control command, {@code /stats} and SIGUSR2.
 *
 * <p>Counters only grow with what the proxy received and sent; latency and rates come from the poll loop's clock,
 * whose readings are recorded. So a replay computes the same document the recorded run did, and the {@code stats}
 * control command's reply, which is recorded, replays without divergence.
 *
 * <p>Listeners are added on the loop thread before anything reads; connections are added and removed on the loop
 * thread; {@link #json} may be called from any thread.
 */
final class ProxyStats {

    private final Protocol protocol;
    private final int bufferBytes;
    private final int maxConnections;
    private final Scope upstream;
    private final List<Scope> listeners = new ArrayList<>();
    private final Map<String, String> bound = new ConcurrentHashMap<>();
    private final ConcurrentSkipListMap<Long, ProxyConnection> connections = new ConcurrentSkipListMap<>();
    private volatile List<Scope> published = List.of();

    ProxyStats(String upstream, Protocol protocol, int bufferBytes, int maxConnections) {
        this.upstream = Scope.of(upstream);
        this.protocol = protocol;
        this.bufferBytes = bufferBytes;
        this.maxConnections = maxConnections;
    }

    /** Adds a listener by its configured name; returns its scope. Loop thread, before any connection. */
    Scope addListener(String name) {
        Scope scope = Scope.of(name);
        listeners.add(scope);
        published = List.copyOf(listeners);
        return scope;
    }

    /** Notes the address listener {@code name} bound ({@code ptcp:0} bound as {@code ptcp:41234:127.0.0.1}). */
    void bound(String name, String boundName) {
        bound.put(name, boundName);
    }

    Scope upstream() {
        return upstream;
    }

    List<Scope> listeners() {
        return published;
    }

    void opened(ProxyConnection connection) {
        connections.put(connection.serial(), connection);
    }

    void closed(ProxyConnection connection) {
        connections.remove(connection.serial());
    }

    Collection<ProxyConnection> connections() {
        return connections.values();
    }

    /** The bytes held in every connection's buffers now. */
    long bufferedBytes() {
        long total = 0;
        for (ProxyConnection connection : connections.values()) {
            total += connection.buffered();
        }
        return total;
    }

    /** The most the buffers can ever hold: two buffers per connection, at the connection limit. */
    long bufferLimitBytes() {
        return 2L * bufferBytes * maxConnections;
    }

    Protocol protocol() {
        return protocol;
    }

    /** Samples the rates; once a second on the loop thread. */
    void sample(long nanoTime) {
        upstream.sample(nanoTime);
        for (Scope listener : published) {
            listener.sample(nanoTime);
        }
    }

    /** The statistics as JSON. */
    ObjectNode json() {
        ObjectNode json = Json.NODES.objectNode();
        json.put("protocol", protocol.name().toLowerCase(java.util.Locale.ROOT));
        ObjectNode up = json.putObject("upstream");
        up.put("name", upstream.name());
        scope(up, upstream);
        ObjectNode all = json.putObject("listeners");
        for (Scope listener : published) {
            ObjectNode node = all.putObject(listener.name());
            node.put("bound", bound.getOrDefault(listener.name(), ""));
            scope(node, listener);
        }
        var list = json.putArray("connections");
        for (ProxyConnection connection : connections.values()) {
            ObjectNode node = list.addObject();
            node.put("id", connection.serial());
            node.put("name", connection.name());
            node.put("peer", connection.peer());
            node.put("listener", connection.listener());
            node.put("upstream_peer", connection.upstreamPeer());
            node.put("state", connection.state().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'));
            node.put("buffered_bytes", connection.buffered());
            counters(node, connection.traffic(), false);
        }
        json.put("buffered_bytes", bufferedBytes());
        json.put("buffer_limit_bytes", bufferLimitBytes());
        return json;
    }

    private void scope(ObjectNode node, Scope scope) {
        counters(node, scope.traffic(), true);
        if (protocol == Protocol.JSONRPC) {
            Histogram latency = scope.latency().snapshot();
            ObjectNode micros = node.putObject("latency_us");
            micros.put("count", latency.getTotalCount());
            micros.put("p50", latency.getValueAtPercentile(50));
            micros.put("p90", latency.getValueAtPercentile(90));
            micros.put("p99", latency.getValueAtPercentile(99));
            micros.put("p999", latency.getValueAtPercentile(99.9));
            micros.put("max", latency.getMaxValue());
        }
        ObjectNode rates = node.putObject("rates");
        for (int w = 0; w < Rates.WINDOWS.length; w++) {
            ObjectNode window = rates.putObject(Rates.WINDOWS[w] + "s");
            for (int i = 0; i < Scope.RATED.length; i++) {
                window.put(Scope.RATED[i], Math.round(scope.rates().perSecond(w, i) * 10) / 10.0);
            }
        }
    }

    private void counters(ObjectNode node, Traffic traffic, boolean scope) {
        if (scope) {
            node.put("connections", traffic.connections.get());
            node.put("active", traffic.active.get());
            node.put("connect_errors", traffic.connectErrors.get());
        }
        node.put("bytes_upstream", traffic.bytesUpstream.get());
        node.put("bytes_downstream", traffic.bytesDownstream.get());
        node.put("errors", traffic.errors.get());
        if (protocol != Protocol.RAW) {
            ObjectNode messages = node.putObject("messages");
            for (Direction direction : Direction.values()) {
                ObjectNode kinds = messages.putObject(direction.label());
                for (Map.Entry<String, AtomicLong> kind : traffic.messages(direction).entrySet()) {
                    kinds.put(kind.getKey(), kind.getValue().get());
                }
            }
        }
    }

    /** The counters a stats file keeps: every scope's, without connections, latency or rates. */
    ObjectNode savedCounters() {
        ObjectNode json = Json.NODES.objectNode();
        json.put("format", "stream-proxy stats 1");
        ObjectNode up = json.putObject("upstream");
        counters(up, upstream.traffic(), true);
        ObjectNode all = json.putObject("listeners");
        for (Scope listener : published) {
            counters(all.putObject(listener.name()), listener.traffic(), true);
        }
        return json;
    }

    /** Restores counters saved by {@link #savedCounters()}; listeners not configured now are left out. */
    void restore(JsonNode saved) {
        restore(upstream.traffic(), saved.path("upstream"));
        for (Scope listener : published) {
            restore(listener.traffic(), saved.path("listeners").path(listener.name()));
        }
    }

    private static void restore(Traffic traffic, JsonNode saved) {
        if (!saved.isObject()) {
            return;
        }
        traffic.connections.set(saved.path("connections").asLong());
        traffic.connectErrors.set(saved.path("connect_errors").asLong());
        traffic.bytesUpstream.set(saved.path("bytes_upstream").asLong());
        traffic.bytesDownstream.set(saved.path("bytes_downstream").asLong());
        traffic.errors.set(saved.path("errors").asLong());
        for (Direction direction : Direction.values()) {
            saved.path("messages").path(direction.label()).fields().forEachRemaining(
                    kind -> traffic.restoreMessages(direction, kind.getKey(), kind.getValue().asLong()));
        }
    }
}
