package io.streamreplay.proxy;

/**
 * A listener or the upstream, as statistics show it: its counters, its request latency, and the rates of its bytes
 * each way, connections and messages. Counters and latency are read from any thread; {@link #sample} runs on the
 * loop thread.
 *
 * @param name the name as configured ({@code ptcp:6640}), which stats files key on
 */
record Scope(String name, Traffic traffic, Latency latency, Rates rates) {

    /** The counters {@link #rates} follows, in this order. */
    static final String[] RATED = {"bytes_upstream", "bytes_downstream", "connections", "messages"};

    static Scope of(String name) {
        Traffic traffic = new Traffic();
        return new Scope(name, traffic, new Latency(), new Rates(traffic.bytesUpstream::get,
                traffic.bytesDownstream::get, traffic.connections::get, traffic::messageTotal));
    }

    void sample(long nanoTime) {
        rates.sample(nanoTime);
    }
}
