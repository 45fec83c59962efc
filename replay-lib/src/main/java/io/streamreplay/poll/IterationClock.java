package io.streamreplay.poll;

/**
 * The clock of a {@link PollLoop}: its blocker's clock, read at most once per loop iteration, so that every piece
 * of code in an iteration sees the same instant, as Open vSwitch's cached time ({@code time_msec()}) does. The
 * reading is taken lazily, by the first read after the loop last blocked.
 *
 * <p>This is what makes time a recorded input cheaply: a recording notes one value per iteration that reads the
 * clock, not one per read, and a replay presents that value to the whole iteration. Loop thread only.
 */
final class IterationClock implements Clock {

    private final Clock source;
    private boolean read;
    private long nanos;
    private long wallMillis;

    IterationClock(Clock source) {
        this.source = source;
    }

    @Override
    public long nanoTime() {
        sample();
        return nanos;
    }

    @Override
    public long wallMillis() {
        sample();
        return wallMillis;
    }

    private void sample() {
        if (!read) {
            nanos = source.nanoTime();
            wallMillis = source.wallMillis();
            read = true;
        }
    }

    /** The loop blocked: the next read takes a new reading. */
    void nextIteration() {
        read = false;
    }
}
