package io.streamreplay.jsonrpc;

import java.util.concurrent.TimeUnit;

/**
 * A limit on how often one kind of log line is written, as Open vSwitch's {@code VLOG_RATE_LIMIT_INIT(RATE, BURST)}
 * limits it: a token bucket holding {@code burst} lines that refills at {@code perMinute} lines a minute. When lines
 * have been dropped, the next line written is preceded by Open vSwitch's summary of them. Time is the caller's
 * (the poll loop's, which a replay repeats), so that a replay writes the same log. Loop thread only.
 */
final class LogRateLimit {

    private static final long MINUTE_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final long perMinute;
    private final long capacity;
    /** Tokens, in line-minutes: a line costs one minute, and a minute passing adds {@code perMinute}. */
    private long tokens;
    private long lastFill = Long.MIN_VALUE;
    private int dropped;
    private long firstDropped;
    private long lastDropped;

    LogRateLimit(int perMinute, int burst) {
        this.perMinute = perMinute;
        this.capacity = burst * MINUTE_NANOS;
    }

    /**
     * Whether a line may be written at {@code nowNanos}; if not, it is counted as dropped.
     *
     * @return null to drop the line; otherwise what to write before it: empty, or the summary of the lines dropped
     */
    String admit(long nowNanos) {
        if (lastFill == Long.MIN_VALUE) {
            tokens = capacity;
        } else if (nowNanos > lastFill) {
            long elapsed = nowNanos - lastFill;
            tokens = elapsed > (capacity - tokens) / perMinute ? capacity : tokens + elapsed * perMinute;
        }
        lastFill = nowNanos;
        if (tokens < MINUTE_NANOS) {
            if (dropped++ == 0) {
                firstDropped = nowNanos;
            }
            lastDropped = nowNanos;
            return null;
        }
        tokens -= MINUTE_NANOS;
        if (dropped == 0) {
            return "";
        }
        String summary = "Dropped " + dropped + " log messages in last " + seconds(nowNanos - firstDropped)
                + " seconds (most recently, " + seconds(nowNanos - lastDropped) + " seconds ago) due to excessive rate";
        dropped = 0;
        return summary;
    }

    private static long seconds(long nanos) {
        return TimeUnit.NANOSECONDS.toSeconds(nanos);
    }
}
