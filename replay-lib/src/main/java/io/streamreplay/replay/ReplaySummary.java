package io.streamreplay.replay;

import io.streamreplay.poll.Clock;
import io.streamreplay.poll.SystemClock;
import java.nio.file.Path;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a replay did, counted as {@code replay-tool} counts it, and the one line that says how it ended: finished
 * (the application ended where the recorded run did), ended where an unfinished recording ends, ran out of
 * recording, or stopped by divergence. Its own duration is measured in real time. Loop thread only.
 */
final class ReplaySummary {

    private static final Logger log = LoggerFactory.getLogger(Replay.class);

    private final Clock realClock = SystemClock.INSTANCE;
    private final long realStart = realClock.nanoTime();
    private long bytesReceived;
    private int streams;

    /** A stream's (or listener's, or source's) file was opened. */
    void streamOpened() {
        streams++;
    }

    /** {@code n} bytes were received. */
    void received(int n) {
        bytesReceived += n;
    }

    /**
     * Logs how the replay of {@code dir} ended, after {@code events} events.
     *
     * @param failure the sticky failure, or null if the application ended by itself
     * @param moreRecorded whether the recording holds events after the last delivered
     * @param stop a stop point never reached, or null
     */
    void log(Path dir, Manifest manifest, long events, ReplayException failure, boolean moreRecorded,
            ReplayStopPoint stop) {
        double seconds = (realClock.nanoTime() - realStart) / 1e9;
        String figures = String.format(Locale.ROOT, "%d events of %d streams (%d bytes received) in %.3f s (%s"
                + " events/s)", events, streams, bytesReceived, seconds,
                seconds > 0 ? String.format(Locale.ROOT, "%.0f", events / seconds) : "-");
        if (stop != null && !(failure instanceof ReplayDivergenceException)) {
            log.warn("replay of {}: --replay-stop-at={} was never reached: the replay ended after event #{}{}", dir,
                    stop, events - 1, moreRecorded ? "" : ", the last in the recording");
        }
        if (failure == null && moreRecorded) {
            log.warn("replay of {} ended at event #{}, before the recording does: the application stopped there,"
                    + " while the recorded run went on; {}", dir, events, figures);
        } else if (failure == null) {
            log.info("replay of {} finished: {}; the application ended where the recorded run ended", dir, figures);
        } else if (failure instanceof ReplayDivergenceException) {
            log.info("replay of {} stopped by divergence at event #{}, after {}", dir, events, figures);
        } else if (((RecordingExhaustedException) failure).recordingIncomplete()) {
            if (Manifest.STOPPED.equals(manifest.status()) || Manifest.COMPLETE.equals(manifest.status())) {
                log.info("replay of {} ended where the recording ends, after {}: {}", dir, figures,
                        failure.getMessage());
            } else {
                log.warn("replay of {} ended where the recording ends, after {}: {}", dir, figures,
                        failure.getMessage());
            }
        } else {
            log.info("replay of {} ran out of recording after {}", dir, figures);
        }
    }
}
