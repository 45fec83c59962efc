package io.streamreplay.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The progress line of a long replay: drawn at most once a second, and ended cleanly. */
class ReplayProgressTest {

    @Test
    void aLongReplayShowsHowFarItIsAndEndsTheLine() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ReplayProgress progress = new ReplayProgress(new PrintStream(bytes, true, StandardCharsets.UTF_8), 8192);
        progress.update(4096);
        assertEquals("", bytes.toString(StandardCharsets.UTF_8), "nothing within the first second");
        Thread.sleep(1100);
        progress.update(4096);
        progress.finish();
        String shown = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(shown.startsWith("\rreplaying: 4096 events of 8192 (50%), "), shown);
        assertTrue(shown.endsWith(System.lineSeparator()), shown);
    }
}
