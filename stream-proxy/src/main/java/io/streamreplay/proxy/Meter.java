package io.streamreplay.proxy;

import java.util.List;

/**
 * Where one connection's traffic is counted: its own {@link Traffic}, its listener's and the upstream's, and the
 * latency of its requests in its listener's and the upstream's {@link Latency}. Loop thread only.
 */
final class Meter {

    private final List<Traffic> scopes;
    private final List<Latency> latencies;

    Meter(List<Traffic> scopes, List<Latency> latencies) {
        this.scopes = List.copyOf(scopes);
        this.latencies = List.copyOf(latencies);
    }

    void opened() {
        for (Traffic scope : scopes) {
            scope.connections.incrementAndGet();
            scope.active.incrementAndGet();
        }
    }

    void closed() {
        for (Traffic scope : scopes) {
            scope.active.decrementAndGet();
        }
    }

    void bytes(Direction direction, long n) {
        for (Traffic scope : scopes) {
            scope.addBytes(direction, n);
        }
    }

    void message(Direction direction, String kind) {
        for (Traffic scope : scopes) {
            scope.addMessage(direction, kind);
        }
    }

    void error() {
        for (Traffic scope : scopes) {
            scope.errors.incrementAndGet();
        }
    }

    void connectError() {
        for (Traffic scope : scopes) {
            scope.connectErrors.incrementAndGet();
        }
    }

    void latency(long nanos) {
        for (Latency latency : latencies) {
            latency.record(nanos);
        }
    }
}
