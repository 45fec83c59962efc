package io.streamreplay.replay;

import java.nio.file.Path;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a {@link Replay} tells the user, as it opens a recording, about the recording it reads: how many files, which
 * program recorded it and when, whether it records time, and how it ends when that is not a clean exit (stopped,
 * crashed, truncated, still being written, cut short), which is where the replay ends too.
 *
 * <p>Stateless; the lines are the replay's own, logged under {@link Replay}.
 */
final class ReplayNotices {

    // Under Replay's name: users and log comparisons know these lines as the replay's.
    private static final Logger log = LoggerFactory.getLogger(Replay.class);

    private ReplayNotices() {
    }

    /** How the recording ends, when it is not a clean exit: the replay ends there too. */
    static void howItEnds(Path dir, Manifest manifest) {
        if (Manifest.STOPPED.equals(manifest.status())) {
            log.info("{}: the recorded process was stopped from outside (a signal); the replay ends where the"
                    + " recording ends", dir);
        } else if (Manifest.CRASHED.equals(manifest.status())) {
            log.info("{}: the recorded process crashed ({}); the replay ends where the recording ends", dir,
                    manifest.error());
        } else if (manifest.truncated()) {
            log.info("{}: the recording was truncated by {} after event #{}; the replay ends there", dir,
                    manifest.truncatedBy(), manifest.events() - 1);
        } else if (Manifest.RECORDING.equals(manifest.status()) && RecordingReader.isBeingWritten(dir)) {
            log.warn("{}: the recording is still being written by a running process; the replay goes as far as it"
                    + " has written", dir);
        } else if (!manifest.complete()) {
            log.warn("{}: the recording did not end cleanly (status '{}'{}); it replays up to its last whole"
                    + " record", dir, manifest.status(), manifest.error() == null ? "" : ": " + manifest.error());
        }
    }

    /** A recording of format 1, without time: its timers fire where the replay infers they did. */
    static void withoutTime(Path dir) {
        log.info("{}: recorded by an earlier version (replay format 1), without time: timers fire where the"
                + " replay infers they did, not exactly where they fired when recording", dir);
    }

    /** The replay starts: the recording, its {@code files}, and which program recorded it and when. */
    static void replaying(Path dir, Manifest manifest, int files) {
        log.info("replaying {} ({} files, recorded by {} at {})", dir, files, manifest.program(),
                Instant.ofEpochMilli(manifest.startedMillis()));
    }
}
