package io.streamreplay.poll;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamreplay.testing.ManualBlocker;
import io.streamreplay.testing.ManualClock;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** One-shot waits, deadlines, cross-thread wake-ups and the before-block hook of a live loop. */
class PollLoopTest {

    @Test
    void anImmediateWakeReturnsAtOnceAndLastsOneIteration() {
        try (PollLoop loop = PollLoop.live()) {
            loop.wakeImmediately("now");
            loop.waitMillis(60_000, "far away");
            long start = loop.now();
            loop.block();
            assertTrue(loop.now() - start < TimeUnit.SECONDS.toNanos(5));
            assertEquals(1, loop.iterations());
        }
    }

    @Test
    void aDeadlineWakesTheLoopNoEarlierThanAsked() {
        try (PollLoop loop = PollLoop.live()) {
            long deadline = loop.now() + TimeUnit.MILLISECONDS.toNanos(30);
            loop.waitUntil(deadline, "timer");
            loop.block();
            assertTrue(loop.now() >= deadline, "woke before the deadline");
        }
    }

    @Test
    void aHugeTimeoutIsADeadlineFarInTheFutureNotAnOverflowIntoThePast() {
        ManualClock clock = new ManualClock();
        clock.advanceMillis(1234);
        try (PollLoop loop = ManualBlocker.newLoop(clock)) {
            assertEquals(Long.MAX_VALUE, loop.deadlineAfterMillis(Long.MAX_VALUE));
            assertEquals(Long.MAX_VALUE, loop.deadlineAfterMillis(Long.MAX_VALUE / 1_000_000));
            assertTrue(loop.deadlineAfterMillis(10_000_000_000_000L) > loop.now(), "ten billion seconds ahead");
            assertEquals(loop.now(), loop.deadlineAfterMillis(-5), "a negative timeout is now");
        }
    }

    @Test
    void wakeupFromAnotherThreadEndsABlockWithNoWaitsWhetherItComesBeforeOrDuringTheBlock() throws Exception {
        try (PollLoop loop = PollLoop.live()) {
            Thread waker = new Thread(loop::wakeup);
            waker.start();
            loop.block();
            waker.join();
            assertEquals(1, loop.iterations());
        }
    }

    @Test
    void aReadinessConditionIsCheckedWhenTheLoopIsAboutToBlock() {
        try (PollLoop loop = PollLoop.live()) {
            boolean[] ready = {false};
            loop.waitReady(() -> ready[0], "in-memory peer");
            loop.waitMillis(60_000, "far away");
            ready[0] = true; // made ready after the wait was registered, as a peer on the same loop would
            long start = loop.now();
            loop.block();
            assertTrue(loop.now() - start < TimeUnit.SECONDS.toNanos(5), "the loop did not sleep");
        }
    }

    @Test
    void beforeBlockHooksRunEveryIterationAndOnClose() {
        AtomicInteger runs = new AtomicInteger();
        PollLoop loop = PollLoop.live();
        loop.beforeBlock(runs::incrementAndGet);
        for (int i = 0; i < 3; i++) {
            loop.wakeImmediately("again");
            loop.block();
        }
        loop.close();
        assertEquals(4, runs.get());
    }
}
