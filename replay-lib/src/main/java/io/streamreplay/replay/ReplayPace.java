package io.streamreplay.replay;

import java.time.Duration;
import java.util.Locale;

/**
 * How fast a replay delivers its events ({@code --replay-pace}, {@code --replay-max-gap}): as fast as the process
 * computes ({@link #MAX}, the default), or at the recorded times divided by a factor, with idle gaps capped. Pacing
 * only sleeps between loop iterations; it never changes what the application does or sees (its clock shows
 * recorded time either way). Immutable.
 *
 * @param factor how many times faster than recorded: 1 is real time, 2 twice as fast; 0 for as fast as possible
 * @param maxGapNanos the longest recorded gap slept for, in nanoseconds of recorded time; longer ones are cut to it
 */
public record ReplayPace(double factor, long maxGapNanos) {

    /** As fast as the process computes: the replay never sleeps. */
    public static final ReplayPace MAX = new ReplayPace(0, Long.MAX_VALUE);

    public ReplayPace {
        if (factor < 0 || Double.isNaN(factor) || Double.isInfinite(factor)) {
            throw new IllegalArgumentException("a pace factor must be a positive number, not " + factor);
        }
        if (maxGapNanos < 0) {
            throw new IllegalArgumentException("a maximum gap cannot be negative");
        }
    }

    /**
     * Parses {@code max}, {@code real} (1x) or a factor such as {@code 2x}, {@code 0.5x} or {@code 2}.
     *
     * @throws IllegalArgumentException naming the text if it is none of these
     */
    public static ReplayPace parse(String text) {
        String pace = text.trim().toLowerCase(Locale.ROOT);
        if (pace.equals("max")) {
            return MAX;
        }
        if (pace.equals("real")) {
            return new ReplayPace(1, Long.MAX_VALUE);
        }
        String number = pace.endsWith("x") ? pace.substring(0, pace.length() - 1) : pace;
        try {
            double factor = Double.parseDouble(number);
            if (factor > 0 && !Double.isInfinite(factor)) {
                return new ReplayPace(factor, Long.MAX_VALUE);
            }
        } catch (NumberFormatException e) {
            // Reported below with the accepted forms.
        }
        throw new IllegalArgumentException("'" + text + "' is not a pace: use max, real, or a factor such as 2x or"
                + " 0.5x");
    }

    /** The same pace, with recorded gaps longer than {@code gap} cut to it. */
    public ReplayPace withMaxGap(Duration gap) {
        return new ReplayPace(factor, gap.toNanos());
    }

    /** Whether the replay sleeps at all. */
    public boolean paced() {
        return factor > 0;
    }

    /** The real nanoseconds a recorded gap of {@code recordedNanos} takes at this pace. */
    long realNanos(long recordedNanos) {
        return (long) (Math.min(recordedNanos, maxGapNanos) / factor);
    }

    @Override
    public String toString() {
        return factor == 0 ? "max" : String.format(Locale.ROOT, "%sx", factor);
    }
}
