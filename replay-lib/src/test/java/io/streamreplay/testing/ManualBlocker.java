package io.streamreplay.testing;

import io.streamreplay.poll.Blocker;
import io.streamreplay.poll.Clock;
import io.streamreplay.poll.PollLoop;
import io.streamreplay.poll.Waits;

/**
 * A blocker on simulated time, for deterministic tests over in-memory streams ({@link MemoryTransport}): it never
 * sleeps. If something is ready it returns at once; otherwise it moves its {@link ManualClock} to the earliest
 * deadline registered and returns. Channels cannot be waited for (there is no selector), and a loop that waits for
 * nothing ready and no deadline would block for ever: that is a test failure, thrown as {@link AssertionError}
 * naming what was waited for.
 *
 * <p>Loop thread only.
 */
public final class ManualBlocker implements Blocker {

    private final ManualClock clock;

    /** A blocker on {@code clock}. */
    public ManualBlocker(ManualClock clock) {
        this.clock = clock;
    }

    /** A poll loop on a new manual clock at 0. */
    public static PollLoop newLoop() {
        return newLoop(new ManualClock());
    }

    /**
     * A poll loop on {@code clock}. The loop reads it once per iteration (as it reads any clock), so a test moves it
     * between iterations, or lets the blocker move it to the next deadline.
     */
    public static PollLoop newLoop(ManualClock clock) {
        return new PollLoop(new ManualBlocker(clock));
    }

    @Override
    public Clock clock() {
        return clock;
    }

    @Override
    public String block(Waits waits) {
        String immediate = waits.immediateWhere();
        if (immediate != null) {
            return immediate;
        }
        if (!waits.channels().isEmpty()) {
            throw new AssertionError("a loop on simulated time cannot wait for channels: " + waits.channels().size()
                    + " registered");
        }
        if (waits.deadline() == Waits.NO_DEADLINE) {
            throw new AssertionError("the loop would block for ever: nothing is ready and no timer is set");
        }
        clock.advanceTo(waits.deadline());
        return waits.deadlineWhere();
    }

    @Override
    public void wakeup() {
        // Nothing sleeps.
    }

    @Override
    public void close() {
    }
}
