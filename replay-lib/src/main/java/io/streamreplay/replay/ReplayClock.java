package io.streamreplay.replay;

import io.streamreplay.poll.Clock;

/**
 * Recorded time: it starts where the recording started and moves forward to the timestamp of each event replayed,
 * or to a timer's deadline when the application waits only for a timer. It never reads the real clock, so a
 * replay runs as fast as the process computes. Loop thread only.
 */
final class ReplayClock implements Clock {

    private final long startWallMillis;
    private long nanos;

    ReplayClock(long startWallMillis) {
        this.startWallMillis = startWallMillis;
    }

    @Override
    public long nanoTime() {
        return nanos;
    }

    @Override
    public long wallMillis() {
        return startWallMillis + nanos / 1_000_000;
    }

    /** Moves to {@code time} if it is later; time never goes back. */
    void advanceTo(long time) {
        if (time > nanos) {
            nanos = time;
        }
    }

    /** Shows {@code time}, the time a recorded loop iteration saw (format 2); recorded times never go back. */
    void setTo(long time) {
        advanceTo(time);
    }
}
