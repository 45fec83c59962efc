package io.streamreplay.replay;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a replay stops for inspection ({@code --replay-stop-at}): after the event with a given sequence number, or
 * after the last event recorded at or before a time offset from the start of the recording. Immutable.
 *
 * @param seq the last event to deliver, or -1 to stop by time
 * @param timeNanos the last recorded time to deliver events of, in nanoseconds since the recording started, or -1
 *     to stop by sequence number
 */
public record ReplayStopPoint(long seq, long timeNanos) {

    private static final Pattern TIME = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s)");

    /**
     * Parses {@code SEQ} (an event's sequence number, as {@code replay-tool dump} shows it) or a time offset such
     * as {@code 12.5s} or {@code 800ms}.
     *
     * @throws IllegalArgumentException saying what is accepted, if {@code text} is neither
     */
    public static ReplayStopPoint parse(String text) {
        String trimmed = text.trim().toLowerCase(Locale.ROOT);
        if (trimmed.matches("\\d{1,18}")) {
            return new ReplayStopPoint(Long.parseLong(trimmed), -1);
        }
        long nanos = durationNanos(trimmed);
        if (nanos >= 0) {
            return new ReplayStopPoint(-1, nanos);
        }
        throw new IllegalArgumentException("'" + text + "' is not a stop point: give an event's sequence number"
                + " (such as 1234) or a time offset from the start of the recording (such as 12.5s or 800ms)");
    }

    /**
     * Parses a duration of recorded time such as {@code 2s} or {@code 500ms}.
     *
     * @throws IllegalArgumentException saying what is accepted, if {@code text} is not one
     */
    static Duration parseDuration(String text) {
        long nanos = durationNanos(text.trim().toLowerCase(Locale.ROOT));
        if (nanos < 0) {
            throw new IllegalArgumentException("'" + text + "' is not a duration: give seconds or milliseconds, such"
                    + " as 2s or 500ms");
        }
        return Duration.ofNanos(nanos);
    }

    /** Nanoseconds of {@code 12.5s} or {@code 800ms}, or -1 if {@code text} is neither (or too long). */
    private static long durationNanos(String text) {
        Matcher time = TIME.matcher(text);
        if (time.matches()) {
            double nanos = Double.parseDouble(time.group(1)) * (time.group(2).equals("s") ? 1e9 : 1e6);
            if (nanos < Long.MAX_VALUE) {
                // Rounded, not truncated: 0.111386 s is 111385999.99... in binary, and must be 111386000 ns.
                return Math.round(nanos);
            }
        }
        return -1;
    }

    /** Whether the event {@code seq}, recorded at {@code time}, lies beyond the stop point. */
    boolean isBeyond(long eventSeq, long eventTime) {
        return seq >= 0 ? eventSeq > seq : eventTime > timeNanos;
    }

    @Override
    public String toString() {
        return seq >= 0 ? "event #" + seq : String.format(Locale.ROOT, "%.3f s", timeNanos / 1e9);
    }
}
