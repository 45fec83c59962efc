package io.streamreplay.jsonrpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Open vSwitch's rate limit on repeated log lines: a burst, then so many a minute, and a count of those dropped. */
class LogRateLimitTest {

    private static long seconds(long s) {
        return TimeUnit.SECONDS.toNanos(s);
    }

    @Test
    void aBurstThenOneAMinuteWithTheDroppedLinesCounted() {
        LogRateLimit limit = new LogRateLimit(1, 5);
        for (int i = 0; i < 5; i++) {
            assertEquals("", limit.admit(seconds(100)), "line " + i + " of the burst");
        }
        for (int s = 100; s < 130; s++) {
            assertNull(limit.admit(seconds(s)), "dropped at " + s + " s");
        }
        // A minute after the burst, one more line, preceded by Open vSwitch's summary of the ones dropped.
        assertNull(limit.admit(seconds(159)));
        assertEquals("Dropped 31 log messages in last 60 seconds (most recently, 1 seconds ago) due to excessive rate",
                limit.admit(seconds(160)));
        assertNull(limit.admit(seconds(161)));
        assertEquals("Dropped 1 log messages in last 59 seconds (most recently, 59 seconds ago) due to excessive rate",
                limit.admit(seconds(220)));
    }

    @Test
    void aQuietPeriodRefillsTheBurst() {
        LogRateLimit limit = new LogRateLimit(1, 5);
        for (int i = 0; i < 5; i++) {
            limit.admit(seconds(0));
        }
        assertNull(limit.admit(seconds(0)));
        assertEquals("Dropped 1 log messages in last 3600 seconds (most recently, 3600 seconds ago) due to excessive"
                + " rate", limit.admit(seconds(3600)));
        for (int i = 0; i < 4; i++) {
            assertEquals("", limit.admit(seconds(3600)));
        }
        assertNull(limit.admit(seconds(3600)));
    }
}
