package io.streamreplay.jsonrpc;

/**
 * How long an active session waits before it connects again after a failure: from {@code minMillis}, doubling after
 * each failure, up to {@code maxMillis}; back to the minimum once a connection has lasted {@code maxMillis}. As Open
 * vSwitch's reconnect state machine ({@code lib/reconnect.c}), whose defaults are 1 s and 8 s and whose
 * {@code max_backoff} is a remote's setting. Immutable.
 *
 * @param minMillis the first wait, in milliseconds (positive)
 * @param maxMillis the longest wait, in milliseconds (at least {@code minMillis})
 */
public record Backoff(long minMillis, long maxMillis) {

    /** Open vSwitch's: 1 s, doubling up to 8 s. */
    public static final Backoff DEFAULT = new Backoff(1000, 8000);

    public Backoff {
        if (minMillis <= 0 || maxMillis < minMillis) {
            throw new IllegalArgumentException("a backoff needs 0 < min <= max, not " + minMillis + " and "
                    + maxMillis + " ms");
        }
    }
}
