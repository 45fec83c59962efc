package io.streamreplay.replay;

import io.streamreplay.poll.Clock;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;

/**
 * Writes the manifest of a recording, and writes again later one that could not be written (a directory made
 * read-only): {@value #FIRST_RETRY_MILLIS} ms after the failure, then twice as long each time up to
 * {@value #LAST_RETRY_MILLIS} ms, whenever its owner asks ({@link #retry()}). The first failure is logged as an
 * error, success after failures as a warning, through the logger of the recording.
 *
 * <p>Not thread-safe: its {@link Recording} serializes access.
 */
final class ManifestWriter {

    static final long FIRST_RETRY_MILLIS = 1000;
    static final long LAST_RETRY_MILLIS = 8000;

    private final Path dir;
    private final Clock clock;
    private final Logger log;
    private Manifest current;
    private Manifest unwritten;
    private long retryAtNanos;
    private long retryMillis;
    private int attempts;

    ManifestWriter(Path dir, Clock clock, Logger log, Manifest initial) {
        this.dir = dir;
        this.clock = clock;
        this.log = log;
        this.current = initial;
    }

    /** The manifest last written or to be written. */
    Manifest current() {
        return current;
    }

    /** Makes {@code next} the manifest to write next, without writing it now (nor the one waiting to be). */
    void update(Manifest next) {
        current = next;
        if (unwritten != null) {
            unwritten = next;
        }
    }

    /**
     * Writes the manifest first, with its reserve.
     *
     * @return whether the reserve could be written in full
     * @throws IOException if the manifest could not be written
     */
    boolean writeFirst() throws IOException {
        attempts++;
        return current.write(dir);
    }

    /** Writes {@code next} as the manifest, or keeps it to write again later if that fails. */
    void write(Manifest next) {
        current = next;
        attempts++;
        try {
            next.write(dir);
            if (unwritten != null) {
                log.warn("{}: the manifest could be written at last (attempt {}); it says '{}'", dir, attempts,
                        next.status());
            }
            unwritten = null;
        } catch (IOException e) {
            if (unwritten == null) {
                log.error("{}: cannot write the manifest ('{}'): {}; trying again every few seconds", dir,
                        next.status(), e.getMessage());
                retryMillis = FIRST_RETRY_MILLIS;
            } else {
                retryMillis = Math.min(LAST_RETRY_MILLIS, retryMillis * 2);
            }
            unwritten = next;
            retryAtNanos = clock.nanoTime() + TimeUnit.MILLISECONDS.toNanos(retryMillis);
        }
    }

    /**
     * Writes again the manifest that could not be written, if its time has come.
     *
     * @return milliseconds until the next attempt, or -1 if no manifest waits to be written
     */
    long retry() {
        if (unwritten == null) {
            return -1;
        }
        long now = clock.nanoTime();
        if (now - retryAtNanos >= 0) {
            write(unwritten);
            if (unwritten == null) {
                return -1;
            }
        }
        return Math.max(0, TimeUnit.NANOSECONDS.toMillis(retryAtNanos - now));
    }

    /** Writes the waiting manifest once more, now: at the end of the recording. Returns whether it is written. */
    boolean flush() {
        if (unwritten != null) {
            write(unwritten);
        }
        if (unwritten != null) {
            log.error("{}: the manifest could not be written ({} attempts) and does not say how the recording ended"
                    + " ('{}', {} events)", dir, attempts, unwritten.status(), unwritten.events());
            return false;
        }
        return true;
    }
}
