package io.streamreplay.replay;

import io.streamreplay.poll.Clock;
import io.streamreplay.poll.SystemClock;
import io.streamreplay.process.Terminal;
import java.io.PrintStream;
import java.util.Locale;

/**
 * A one-line progress display on standard error while a long recording replays, shown only on a terminal (never
 * in logs or pipes, so output that is compared stays the same): events replayed, of how many, and how fast.
 *
 * <p>It measures the replay's own progress in real time, not recorded time. Loop thread only.
 */
final class ReplayProgress {

    private static final long INTERVAL_NANOS = 1_000_000_000L;
    private static final int CHECK_EVERY = 4096;

    private final PrintStream out;
    private final long total;
    private final Clock realClock;
    private final long start;
    private long lastShown;
    private boolean shown;

    /**
     * @param out where to draw, or null to draw nothing
     * @param total events in the recording, or 0 if unknown
     */
    ReplayProgress(PrintStream out, long total) {
        this(out, total, SystemClock.INSTANCE);
    }

    /** As {@link #ReplayProgress(PrintStream, long)}, measuring the rate on {@code realClock}. */
    ReplayProgress(PrintStream out, long total, Clock realClock) {
        this.out = out;
        this.total = total;
        this.realClock = realClock;
        this.start = realClock.nanoTime();
        this.lastShown = start;
    }

    /** The display for this process: on standard error if it is a terminal, otherwise none. */
    static ReplayProgress forConsole(long total) {
        return new ReplayProgress(Terminal.isInteractive() ? System.err : null, total);
    }

    /** Called after each event; redraws at most once a second. */
    void update(long events) {
        if (out == null || events % CHECK_EVERY != 0) {
            return;
        }
        long now = realClock.nanoTime();
        if (now - lastShown < INTERVAL_NANOS) {
            return;
        }
        lastShown = now;
        double rate = events / ((now - start) / 1e9);
        String of = total > 0 ? String.format(Locale.ROOT, " of %d (%.0f%%)", total, 100.0 * events / total) : "";
        out.printf(Locale.ROOT, "\rreplaying: %d events%s, %.0f events/s ", events, of, rate);
        out.flush();
        shown = true;
    }

    /** Ends the line, if one was drawn. */
    void finish() {
        if (shown) {
            out.println();
            out.flush();
            shown = false;
        }
    }
}
