package io.streamreplay.replay;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a replay stops for a debugger ({@code --replay-stop-at}), and the idling there: once the events up to the
 * stop point have been delivered, the loop thread stays idle, in exactly that state, until the process is stopped
 * or a debugger asks it to go on. Loop thread only, apart from {@link #resume}.
 */
final class ReplayStop {

    private static final Logger log = LoggerFactory.getLogger(Replay.class);
    private static final long RESUME_POLL_MILLIS = 100;

    /**
     * Set to true by a debugger to make a replay idle at its stop point go on to the end of the recording, so that
     * breakpoints set while it was stopped are hit. From a fresh jdb attach, where no thread is current yet:
     * {@code stop in io.streamreplay.replay.ReplayStop.resumeRequested}, then, once it is hit (within a tenth of a
     * second, on the idle loop thread), {@code set io.streamreplay.replay.ReplayStop.resume = true}.
     */
    static volatile boolean resume;

    private ReplayStopPoint point;

    /** Makes the replay stop, idle, once the events up to {@code stop} have been delivered; null for never. */
    void set(ReplayStopPoint stop) {
        this.point = stop;
    }

    /** The stop point not yet reached, or null. */
    ReplayStopPoint point() {
        return point;
    }

    /** Whether the event {@code seq}, recorded at {@code time}, lies beyond the stop point, so is not delivered. */
    boolean isBeyond(long seq, long time) {
        return point != null && point.isBeyond(seq, time);
    }

    /**
     * Whether a debugger asked the idle replay to go on ({@link #resume}); called by the idle loop ten times a
     * second, so that a breakpoint here stops that thread wherever the debugger attached from.
     */
    private static boolean resumeRequested() {
        return resume;
    }

    /**
     * The stop point is reached: says so once, then keeps the calling (loop) thread idle until the process is
     * stopped, or until a debugger sets {@link #resume}. Interrupting the thread ends the replay with a
     * {@link RecordingExhaustedException}, for code that runs a replay in a thread of its own.
     *
     * @param next the sequence number of the next event, which stays undelivered while idle
     * @param time the recorded time of the last event delivered, in nanoseconds
     */
    void idle(Replay replay, long next, long time) {
        log.info("replay of {} stopped at {} as asked (--replay-stop-at): event #{} was the last delivered, at"
                + " {} s; the next one is #{}. The process now stays idle until it is stopped (Ctrl-C or kill);"
                + " a debugger can attach and inspect it, and resume it (in jdb: stop in"
                + " io.streamreplay.replay.ReplayStop.resumeRequested, then set"
                + " io.streamreplay.replay.ReplayStop.resume = true).", replay.dir(), point, next - 1,
                String.format("%.6f", time / 1e9), next);
        try {
            while (!resumeRequested()) {
                Thread.sleep(RESUME_POLL_MILLIS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw replay.failures().interrupted(point);
        }
        resume = false;
        point = null;
        log.info("replay of {} resumed by a debugger at event #{}; it now runs to the end", replay.dir(), next);
    }
}
