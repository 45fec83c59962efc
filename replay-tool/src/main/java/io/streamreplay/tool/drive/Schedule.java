package io.streamreplay.tool.drive;

/**
 * When each step of a drive is due, in nanoseconds of drive time after the drive started, from the recorded time of
 * the steps, which must be given in recorded order.
 *
 * <p>At a pace, a step is due as long after the one before it as the recording shows, divided by the pace factor
 * ({@code max}: at once), and never more than {@code maxGap} after it. At a fixed rate, recorded time is not used:
 * request number {@code k} (from 0) is due {@code k / rate} seconds in, and other steps (opening a connection,
 * closing it) as soon as the request before them. Not thread-safe.
 */
final class Schedule {

    private final Pace pace;
    private final long maxGapNanos;
    private final double rate;
    private boolean started;
    private long lastRecorded;
    private long lastDue;
    private long requests;

    /**
     * @param maxGapNanos the longest wait between two steps, in drive nanoseconds ({@link Long#MAX_VALUE}: none)
     * @param rate requests per second, or 0 to follow the recorded times at {@code pace}
     */
    Schedule(Pace pace, long maxGapNanos, double rate) {
        this.pace = pace;
        this.maxGapNanos = maxGapNanos;
        this.rate = rate;
    }

    /** The drive time at which a step recorded at {@code recordedTime} (nanoseconds) is due. */
    long due(long recordedTime, boolean request) {
        if (!started) {
            started = true;
            lastRecorded = recordedTime;
        }
        if (rate > 0) {
            if (request) {
                lastDue = Math.max(lastDue, Math.round(requests * 1e9 / rate));
                requests++;
            }
            return lastDue;
        }
        lastDue += gap(recordedTime);
        lastRecorded = Math.max(lastRecorded, recordedTime);
        return lastDue;
    }

    /**
     * The drive time that corresponds to {@code recordedTime}, at or after the last step given, without counting it
     * as a step: where the recorded traffic after the last step (its last replies) ends.
     */
    long after(long recordedTime) {
        return rate > 0 || !started ? lastDue : lastDue + gap(recordedTime);
    }

    private long gap(long recordedTime) {
        long gap = Math.max(0, recordedTime - lastRecorded);
        long scaled = pace.isMax() ? 0 : (long) (gap / pace.factor());
        return Math.min(scaled, maxGapNanos);
    }
}
