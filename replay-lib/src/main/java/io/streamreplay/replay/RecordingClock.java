package io.streamreplay.replay;

import io.streamreplay.poll.Clock;

/**
 * The clock of a recording process: the machine's, read once per loop iteration and presented as a replay will
 * present it, so that the recorded run and its replay compute with identical values. {@link #nanoTime()} counts
 * from the start of the recording (the value recorded as each record's time); {@link #wallMillis()} is the start's
 * wall-clock time plus that, truncated to milliseconds the same way on replay (so that two runs never round at
 * different phases). A wall clock adjusted during the recording (NTP) is therefore not followed: recorded wall time
 * is monotonic.
 *
 * <p>It notes whether the iteration read it, so that an iteration that read the clock and recorded nothing else
 * leaves a tick in the recording, and whether the application did (rather than the recording, stamping a record),
 * since what the application does after reading the time may depend on it: before it shows something to a peer, that
 * reading is an input to write out ({@link Recording#flushBeforeOutput()}). Loop thread only (and under the
 * recording's lock).
 */
final class RecordingClock implements Clock {

    private final Clock machine;
    private final long startNanos;
    private final long startWallMillis;
    private boolean read;
    private boolean readByApplication;
    private long nanos;

    RecordingClock(Clock machine) {
        this.machine = machine;
        this.startNanos = machine.nanoTime();
        this.startWallMillis = machine.wallMillis();
    }

    /** Nanoseconds since the recording started, the same value for the whole loop iteration. */
    @Override
    public long nanoTime() {
        readByApplication = true;
        return iterationTime();
    }

    /** As {@link #nanoTime()}, for the recording's own use (a record's time): not a reading the application saw. */
    long iterationTime() {
        if (!read) {
            nanos = machine.nanoTime() - startNanos;
            read = true;
        }
        return nanos;
    }

    @Override
    public long wallMillis() {
        return startWallMillis + nanoTime() / 1_000_000;
    }

    /** The wall-clock time at which the recording started, in milliseconds since the epoch. */
    long startWallMillis() {
        return startWallMillis;
    }

    /** Whether the clock was read since the last {@link #nextIteration()}. */
    boolean readThisIteration() {
        return read;
    }

    /** Whether the application read the clock since the last {@link #nextIteration()}. */
    boolean readByApplication() {
        return readByApplication;
    }

    /** The loop blocks or wakes: the next read takes a new reading. */
    void nextIteration() {
        read = false;
        readByApplication = false;
    }
}
