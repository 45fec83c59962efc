package io.streamreplay.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamreplay.testing.ManualClock;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The progress line of a long replay, on simulated time: drawn at most once a second, with the time left, blanked
 * out before any other output on the same terminal so that a log line never lands on it, and gone at the end.
 */
class ReplayProgressTest {

    @Test
    void aLongReplayShowsHowFarItIsAndHowLongItHasLeft() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ManualClock clock = new ManualClock();
        ReplayProgress progress = new ReplayProgress(new PrintStream(bytes, true, StandardCharsets.UTF_8), 8192,
                clock);
        clock.advanceMillis(999);
        progress.update(4096);
        assertEquals("", bytes.toString(StandardCharsets.UTF_8), "nothing within the first second");
        clock.advanceMillis(1);
        progress.update(4096);
        assertEquals("\rreplaying: 50% (4096 of 8192 events), 4096 events/s, about 1 s left",
                bytes.toString(StandardCharsets.UTF_8), "one line after a second, with the rate and the time left");
        assertEquals("replaying: 25% (2048 of 8192 events), 1024 events/s, about 6 s left", progress.line(2048, 2));
        assertEquals("replaying: 90% (7373 of 8192 events), 73 events/s, about 11 s left", progress.line(7373, 101));
        assertEquals("replaying: 5% (400 of 8192 events), 2 events/s, about 1 h 4 min left", progress.line(400, 200));
        assertEquals("replaying: 100 events, 50 events/s", new ReplayProgress(null, 0, clock).line(100, 2));
    }

    @Test
    void anotherLineWrittenMeanwhileStartsOnALineOfItsOwnAndTheProgressIsGoneAtTheEnd() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ManualClock clock = new ManualClock();
        ReplayProgress progress = new ReplayProgress(new PrintStream(bytes, true, StandardCharsets.UTF_8), 8192,
                clock);
        PrintStream guarded = progress.guard(bytes);
        clock.advanceMillis(1000);
        progress.update(4096);
        String line = bytes.toString(StandardCharsets.UTF_8).substring(1);
        guarded.print("a log line\n");
        progress.finish();
        assertEquals("\r" + line + "\r" + " ".repeat(line.length()) + "\r" + "a log line\n",
                bytes.toString(StandardCharsets.UTF_8), "the progress is blanked out before the log line");
        guarded.print("after the end\n");
        assertTrue(bytes.toString(StandardCharsets.UTF_8).endsWith("a log line\nafter the end\n"),
                "nothing to blank once finished");
    }
}
