package io.streamreplay.proxy;

import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The counters of one scope (a listener, the upstream, or one connection): connections, bytes each way, errors, and
 * messages by kind and direction (JSON-RPC message types, or a line protocol's first words).
 *
 * <p>Written on the loop thread only; read from any thread (the HTTP endpoint, the SIGUSR2 handler), so each
 * counter is atomic. Message kinds are bounded: past {@link #MAX_KINDS} distinct kinds per direction, further ones
 * are counted as {@link #OTHER_KIND}, so that a peer cannot grow the proxy's memory by sending new words.
 */
final class Traffic {

    /** The most distinct message kinds counted per direction. */
    static final int MAX_KINDS = 64;
    /** The kind that counts every kind past {@link #MAX_KINDS}. */
    static final String OTHER_KIND = "(other)";

    final AtomicLong connections = new AtomicLong();
    final AtomicLong active = new AtomicLong();
    final AtomicLong bytesUpstream = new AtomicLong();
    final AtomicLong bytesDownstream = new AtomicLong();
    final AtomicLong errors = new AtomicLong();
    /** Upstream connections that could not be made (the upstream scope and each listener's). */
    final AtomicLong connectErrors = new AtomicLong();
    private final Map<String, AtomicLong> messagesUpstream = new ConcurrentSkipListMap<>();
    private final Map<String, AtomicLong> messagesDownstream = new ConcurrentSkipListMap<>();

    void addBytes(Direction direction, long n) {
        (direction == Direction.UPSTREAM ? bytesUpstream : bytesDownstream).addAndGet(n);
    }

    long bytes(Direction direction) {
        return (direction == Direction.UPSTREAM ? bytesUpstream : bytesDownstream).get();
    }

    void addMessage(Direction direction, String kind) {
        Map<String, AtomicLong> counts = messages(direction);
        AtomicLong count = counts.get(kind);
        if (count == null) {
            count = counts.size() < MAX_KINDS ? counts.computeIfAbsent(kind, k -> new AtomicLong())
                    : counts.computeIfAbsent(OTHER_KIND, k -> new AtomicLong());
        }
        count.incrementAndGet();
    }

    /** The messages counted in {@code direction}, by kind, sorted by kind; live counters, read-only. */
    Map<String, AtomicLong> messages(Direction direction) {
        return direction == Direction.UPSTREAM ? messagesUpstream : messagesDownstream;
    }

    /** Every message counted, both ways. */
    long messageTotal() {
        long total = 0;
        for (Direction direction : Direction.values()) {
            for (AtomicLong count : messages(direction).values()) {
                total += count.get();
            }
        }
        return total;
    }

    /** Sets a message count, as restored from a stats file. */
    void restoreMessages(Direction direction, String kind, long count) {
        messages(direction).computeIfAbsent(kind, k -> new AtomicLong()).set(count);
    }
}
