package io.streamreplay.proxy;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.SynchronizedHistogram;

/**
 * Request-to-reply latency of one scope, in microseconds, measured on the poll loop's clock from the moment the
 * proxy received a request from the client to the moment it received the matching reply from the upstream: the
 * upstream's latency plus the time the bytes spent in the proxy's buffers, without the client's network.
 *
 * <p>Recorded on the loop thread, read from any thread. Values from 1 µs to 1 hour, to 3 significant digits; a
 * longer wait is recorded as 1 hour.
 */
final class Latency {

    private static final long MAX_MICROS = 3_600_000_000L;

    private final SynchronizedHistogram histogram = new SynchronizedHistogram(1, MAX_MICROS, 3);

    /** Records one request answered after {@code nanos} nanoseconds. */
    void record(long nanos) {
        histogram.recordValue(Math.max(1, Math.min(MAX_MICROS, nanos / 1000)));
    }

    /** A copy to read percentiles from, consistent in itself. */
    Histogram snapshot() {
        return histogram.copy();
    }
}
