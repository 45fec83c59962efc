package io.streamreplay.fault;

/**
 * The {@code bandwidth} fault of one direction of one stream: a token bucket of {@code rate} bytes a second of loop
 * time, holding at most a tenth of a second's worth (at least one byte), full at the start and whenever the rate
 * changes. Times are the loop's clock, in nanoseconds.
 *
 * <p>Loop thread only, as the {@link FaultyStream} that owns it.
 */
final class TokenBucket {

    private boolean started;
    private double tokens;
    private long last;
    private long rate;

    /**
     * The whole bytes that may move at {@code now} at {@code newRate} bytes a second; {@link Long#MAX_VALUE} if
     * {@code newRate} is 0 (unlimited).
     */
    long allowance(long newRate, long now) {
        if (newRate == 0) {
            return Long.MAX_VALUE;
        }
        refill(newRate, now);
        return (long) tokens;
    }

    /** When the loop should wake for the bucket to hold half its capacity, or {@code now} if it holds a byte. */
    long refilledAt(long newRate, long now) {
        if (newRate == 0) {
            return now;
        }
        refill(newRate, now);
        if (tokens >= 1) {
            return now;
        }
        double want = Math.max(1, capacity() / 2);
        return now + (long) Math.ceil((want - tokens) * 1e9 / rate);
    }

    /** Counts {@code n} bytes moved (none if the rate is unlimited). */
    void take(int n) {
        if (rate != 0) {
            tokens -= n;
        }
    }

    private double capacity() {
        return Math.max(1, rate / 10.0);
    }

    private void refill(long newRate, long now) {
        if (!started || newRate != rate) {
            started = true;
            rate = newRate;
            tokens = capacity();
            last = now;
            return;
        }
        tokens = Math.min(capacity(), tokens + (now - last) * (double) rate / 1e9);
        last = now;
    }
}
