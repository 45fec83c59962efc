package io.streamreplay.replay;

import java.nio.file.Path;

/**
 * How a replay ends when it cannot go on: the first divergence, or the end of the recording, kept so that every
 * later operation and every {@code block()} reports it again, and the messages that explain it (what the
 * application did, what the recording holds next, why the recording ends where it does). Loop thread only.
 */
final class ReplayFailures {

    private final Path dir;
    private final Manifest manifest;
    private final Replay replay;
    private ReplayException first;

    ReplayFailures(Path dir, Manifest manifest, Replay replay) {
        this.dir = dir;
        this.manifest = manifest;
        this.replay = replay;
    }

    /** Makes {@code problem} the sticky divergence, at the next event, and returns it for throwing. */
    ReplayDivergenceException fail(String problem) {
        if (first instanceof ReplayDivergenceException) {
            return (ReplayDivergenceException) again(first);
        }
        ReplayDivergenceException divergence = new ReplayDivergenceException("replay of " + dir
                + " diverged at event #" + replay.next() + ": " + problem);
        first = divergence;
        return divergence;
    }

    /** The application waits for {@code waits}, none of which is due, and the recording holds further events. */
    ReplayDivergenceException stalled(String waits) {
        return fail("the application waits for " + waits + ", but " + replay.describeNext());
    }

    /** The application waits and the recording holds no further event. */
    ReplayException exhausted() {
        if (first == null) {
            first = new RecordingExhaustedException("end of recording " + dir + " reached after " + replay.next()
                    + " events" + whyItEndsHere(), !manifest.complete());
            return first;
        }
        return again(first);
    }

    /** The thread idle at the stop point was interrupted: the replay ends there. */
    RecordingExhaustedException interrupted(ReplayStopPoint stop) {
        RecordingExhaustedException end = new RecordingExhaustedException("replay of " + dir + " stopped at " + stop
                + " and its thread was interrupted", false);
        first = end;
        return end;
    }

    /**
     * Throws the sticky failure, if any, as a new exception (with the first as its cause), so that code unwinding
     * through several calls that each report it never sees one instance twice.
     */
    void check() {
        if (first != null) {
            throw again(first);
        }
    }

    /** The first failure, or null while the replay goes on. */
    ReplayException first() {
        return first;
    }

    /** Why the recording holds no further event, as its manifest tells; empty for a clean end. */
    private String whyItEndsHere() {
        if (manifest.ended() && manifest.events() > replay.next()) {
            return ", although its manifest counts " + manifest.events() + ": a file is missing, damaged or cut"
                    + " short (replay-tool verify " + dir + " names it)";
        }
        return switch (manifest.status()) {
            case Manifest.COMPLETE -> "";
            case Manifest.STOPPED -> "; the recorded process was stopped here from outside (a signal such as SIGTERM)";
            case Manifest.FAILED -> "; recording stopped here because writing it failed (" + manifest.error() + ")";
            case Manifest.CRASHED -> "; the recorded process crashed here (" + manifest.error() + ")";
            case Manifest.TRUNCATED -> "; the recording was truncated here by " + manifest.truncatedBy()
                    + (manifest.truncatedByBound() ? " (the recorded process went on unrecorded)" : "");
            default -> RecordingReader.isBeingWritten(dir)
                    ? "; the recording is still being written by a running process, and this is as far as it had"
                            + " written"
                    : "; the recorded process was killed or crashed here";
        };
    }

    private static ReplayException again(ReplayException first) {
        ReplayException copy = first instanceof RecordingExhaustedException exhausted
                ? new RecordingExhaustedException(first.getMessage(), exhausted.recordingIncomplete())
                : new ReplayDivergenceException(first.getMessage());
        copy.initCause(first);
        return copy;
    }
}
