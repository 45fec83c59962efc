package io.streamreplay.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.streamreplay.testing.ManualClock;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The progress line of a long replay, on simulated time: drawn at most once a second, and ended cleanly. */
class ReplayProgressTest {

    @Test
    void aLongReplayShowsHowFarItIsAndEndsTheLine() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ManualClock clock = new ManualClock();
        ReplayProgress progress = new ReplayProgress(new PrintStream(bytes, true, StandardCharsets.UTF_8), 8192,
                clock);
        clock.advanceMillis(999);
        progress.update(4096);
        assertEquals("", bytes.toString(StandardCharsets.UTF_8), "nothing within the first second");
        clock.advanceMillis(1);
        progress.update(4096);
        progress.finish();
        String shown = bytes.toString(StandardCharsets.UTF_8);
        assertEquals("\rreplaying: 4096 events of 8192 (50%), 4096 events/s " + System.lineSeparator(), shown,
                "one line after a second, with the rate over that second, ended");
    }
}
