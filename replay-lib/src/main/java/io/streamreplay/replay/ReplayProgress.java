package io.streamreplay.replay;

import io.streamreplay.poll.Clock;
import io.streamreplay.poll.SystemClock;
import io.streamreplay.process.Terminal;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.Locale;

/**
 * A one-line progress display on standard error while a long recording replays, shown only on a terminal (never
 * in logs or pipes, so output that is compared stays the same): how far the replay is, how fast it goes, and about
 * how long it has left.
 *
 * <p>The line never collides with log lines: while it is drawn, everything else written to standard error goes
 * through {@link #guard}, which first blanks the line out, so a log line starts at the beginning of its own line;
 * the next update draws the progress again below it.
 *
 * <p>It measures the replay's own progress in real time, not recorded time. Loop thread only, except that the
 * guarded stream may be written by any thread.
 */
final class ReplayProgress {

    private static final long INTERVAL_NANOS = 1_000_000_000L;
    private static final int CHECK_EVERY = 4096;

    private final PrintStream out;
    private final long total;
    private final Clock realClock;
    private final long start;
    private long lastShown;
    /** The length of the line on the screen now; 0 when none is drawn. Guarded by {@code this}. */
    private int drawn;
    private PrintStream restore;

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

    /**
     * The display for this process: on standard error if it is a terminal, which it then guards
     * ({@link System#setErr}) until {@link #finish()}; otherwise none.
     */
    static ReplayProgress forConsole(long total) {
        if (!Terminal.isInteractive()) {
            return new ReplayProgress(null, total);
        }
        ReplayProgress progress = new ReplayProgress(System.err, total);
        progress.restore = System.err;
        System.setErr(progress.guard(System.err));
        return progress;
    }

    /** A stream that writes to {@code target}, blanking out the progress line first if one is drawn. */
    PrintStream guard(OutputStream target) {
        return new PrintStream(new FilterOutputStream(target) {
            @Override
            public void write(int b) throws IOException {
                blank();
                out.write(b);
            }

            @Override
            public void write(byte[] bytes, int offset, int length) throws IOException {
                blank();
                out.write(bytes, offset, length);
            }
        }, true);
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
        draw(line(events, (now - start) / 1e9));
    }

    /** The text of the line after {@code events} events in {@code seconds}. */
    String line(long events, double seconds) {
        double rate = seconds > 0 ? events / seconds : 0;
        if (total <= 0 || events > total) {
            return String.format(Locale.ROOT, "replaying: %d events, %.0f events/s", events, rate);
        }
        String left = rate > 0 ? ", about " + duration((total - events) / rate) + " left" : "";
        return String.format(Locale.ROOT, "replaying: %.0f%% (%d of %d events), %.0f events/s%s",
                100.0 * events / total, events, total, rate, left);
    }

    private static String duration(double seconds) {
        long s = Math.round(seconds);
        return s < 60 ? s + " s" : s < 3600 ? s / 60 + " min " + s % 60 + " s" : s / 3600 + " h " + s / 60 % 60
                + " min";
    }

    private synchronized void draw(String line) {
        StringBuilder text = new StringBuilder("\r").append(line);
        for (int i = line.length(); i < drawn; i++) {
            text.append(' ');
        }
        out.print(text);
        out.flush();
        drawn = line.length();
    }

    /** Blanks the line out, if drawn, leaving the cursor at its start; the next update draws it again. */
    synchronized void blank() {
        if (drawn > 0) {
            out.print("\r" + " ".repeat(drawn) + "\r");
            drawn = 0;
        }
    }

    /** Removes the line, if one is drawn, and gives standard error back. */
    void finish() {
        if (out == null) {
            return;
        }
        blank();
        out.flush();
        if (restore != null) {
            System.setErr(restore);
            restore = null;
        }
    }
}
