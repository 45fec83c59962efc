package io.streamreplay.testing;

import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** Waits, without sleeping, for something another thread does: a test then runs as fast as that thread. */
public final class Await {

    private Await() {
    }

    /**
     * Returns as soon as {@code condition} holds.
     *
     * @throws AssertionError naming {@code what} if it does not hold within {@code timeoutMillis} of real time
     */
    public static void until(BooleanSupplier condition, long timeoutMillis, String what) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + ": not within " + timeoutMillis + " ms");
            }
            Thread.onSpinWait();
        }
    }
}
