package io.streamreplay.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Rates over 1, 10 and 60 seconds, on simulated time: each sample is given the loop clock's reading, so every rate
 * is exact.
 */
class RatesTest {

    private static final int ONE = 0;
    private static final int TEN = 1;
    private static final int SIXTY = 2;

    private final AtomicLong bytes = new AtomicLong();
    private final AtomicLong steady = new AtomicLong(7);
    private final Rates rates = new Rates(bytes::get, steady::get);

    private void sampleAt(double seconds) {
        rates.sample((long) (seconds * TimeUnit.SECONDS.toNanos(1)));
    }

    private void assertRates(double one, double ten, double sixty, String when) {
        assertEquals(one, rates.perSecond(ONE, 0), 1e-9, when + ": over 1 s");
        assertEquals(ten, rates.perSecond(TEN, 0), 1e-9, when + ": over 10 s");
        assertEquals(sixty, rates.perSecond(SIXTY, 0), 1e-9, when + ": over 60 s");
        for (int window = 0; window < Rates.WINDOWS.length; window++) {
            assertEquals(0, rates.perSecond(window, 1), when + ": a counter that does not move has no rate");
        }
    }

    @Test
    void theWindowsAreOneTenAndSixtySeconds() {
        assertEquals(3, Rates.WINDOWS.length);
        assertEquals(1, Rates.WINDOWS[ONE]);
        assertEquals(10, Rates.WINDOWS[TEN]);
        assertEquals(60, Rates.WINDOWS[SIXTY]);
    }

    @Test
    void withOneSampleEveryRateIsZero() {
        bytes.set(1_000);
        sampleAt(0);
        assertRates(0, 0, 0, "first sample");
    }

    @Test
    void aWindowNotYetCoveredIsComputedOverTheTimeTheSamplesCover() {
        sampleAt(0);
        for (int second = 1; second <= 5; second++) {
            bytes.addAndGet(100);
            sampleAt(second);
        }
        assertRates(100, 100, 100, "100 a second for 5 s");
        bytes.addAndGet(1_000);
        sampleAt(6);
        assertRates(1_000, 250, 250, "then 1,000 in one second: 1,500 over 6 s");
    }

    @Test
    void eachWindowForgetsWhatIsOlderThanItself() {
        sampleAt(0);
        for (int second = 1; second <= 5; second++) {
            bytes.addAndGet(100);
            sampleAt(second);
        }
        bytes.addAndGet(1_000);
        sampleAt(6);
        for (int second = 7; second <= 15; second++) {
            sampleAt(second);
        }
        assertRates(0, 100, 100, "at 15 s: the last 10 s hold 500 + 1,000 - 500");
        sampleAt(16);
        assertRates(0, 0, 93.75, "at 16 s: nothing in the last 10 s, 1,500 over 16 s");
    }

    @Test
    void afterMoreThanSixtySamplesTheSixtySecondWindowCoversTheLastSixtySecondsOnly() {
        sampleAt(0);
        bytes.addAndGet(10_000);
        sampleAt(1);
        for (int second = 2; second <= 80; second++) {
            bytes.addAndGet(60);
            sampleAt(second);
        }
        assertRates(60, 60, 60, "the burst at 1 s is out of every window at 80 s");
    }

    @Test
    void aLateSampleDividesByTheTimeThatReallyPassed() {
        sampleAt(0);
        bytes.addAndGet(100);
        sampleAt(1);
        bytes.addAndGet(150);
        sampleAt(2.5);
        assertRates(100, 250 / 2.5, 250 / 2.5, "150 over the 1.5 s the loop took to sample again");
    }
}
