package io.streamreplay.testing;

import io.streamreplay.poll.Clock;
import java.util.concurrent.TimeUnit;

/**
 * A clock that moves only when told to: simulated time for tests of timers, probes and backoff, which then run
 * without sleeping and give the same result on a busy machine as on an idle one.
 *
 * <p>It starts at 0 ns, which is {@link #wallMillis()} {@code startWallMillis}. Loop thread only.
 */
public final class ManualClock implements Clock {

    private final long startWallMillis;
    private long nanos;

    /** A clock at 0 ns whose wall-clock time starts at 2026-01-01T00:00:00Z. */
    public ManualClock() {
        this(1_767_225_600_000L);
    }

    /** A clock at 0 ns whose wall-clock time starts at {@code startWallMillis} (milliseconds since the epoch). */
    public ManualClock(long startWallMillis) {
        this.startWallMillis = startWallMillis;
    }

    @Override
    public long nanoTime() {
        return nanos;
    }

    @Override
    public long wallMillis() {
        return startWallMillis + TimeUnit.NANOSECONDS.toMillis(nanos);
    }

    /** Moves forward by {@code millis} milliseconds. */
    public void advanceMillis(long millis) {
        advanceTo(nanos + TimeUnit.MILLISECONDS.toNanos(millis));
    }

    /** Moves to {@code time} (nanoseconds on this clock) if it is later; time never goes back. */
    public void advanceTo(long time) {
        nanos = Math.max(nanos, time);
    }
}
