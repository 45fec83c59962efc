package io.streamreplay.testing;

import io.streamreplay.poll.PollLoop;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** Runs a poll loop in a test until a condition holds, failing after a timeout instead of hanging. */
public final class LoopDriver {

    private LoopDriver() {
    }

    /**
     * Repeats: check {@code done}; run {@code step} (which does work and registers waits); block. The loop is
     * never blocked for more than 50 ms per iteration, so a missing wait registration slows a test but cannot
     * hang it.
     *
     * @throws AssertionError if {@code done} is still false after {@code timeoutMillis} of real time
     */
    public static void runUntil(PollLoop loop, BooleanSupplier done, Runnable step, long timeoutMillis) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not reached within " + timeoutMillis + " ms");
            }
            step.run();
            loop.waitMillis(50, "test step");
            loop.block();
        }
    }
}
