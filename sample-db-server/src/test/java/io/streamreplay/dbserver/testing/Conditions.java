package io.streamreplay.dbserver.testing;

import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** Waiting, bounded in time, for something a test expects a process to do. */
public final class Conditions {

    private Conditions() {
    }

    /**
     * Polls {@code value} every 50 ms until {@code done} holds for it, for at most {@code seconds}; returns the value
     * that satisfied it, or fails naming {@code what} and the last value seen.
     */
    public static <T> T await(Callable<T> value, Predicate<T> done, long seconds, String what)
            throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        T last = null;
        while (System.nanoTime() < deadline) {
            last = value.call();
            if (done.test(last)) {
                return last;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("waited " + seconds + " s for " + what + "; last seen: " + last);
    }
}
