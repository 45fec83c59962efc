package io.streamreplay.replay;

import io.streamreplay.poll.Clock;
import io.streamreplay.poll.SystemClock;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The state of a process that replays: the recording's files indexed by sequence number, the next sequence number
 * due, the record each open file will deliver next, and what the application waits for in this loop iteration (to
 * explain a divergence).
 *
 * <p>The first divergence is sticky: every later operation and every {@code block()} throws it again. Loop thread
 * only.
 */
final class Replay {

    private static final Logger log = LoggerFactory.getLogger(Replay.class);
    private static final long RESUME_POLL_MILLIS = 100;

    /** Something the application waits for in this iteration; described only if a divergence needs it. */
    private record Waiting(String operation, ReplayCursor cursor) {
    }

    /** A file of the recording, as indexed at start-up. */
    record FileInfo(Path path, FileKind kind, long openSeq, String name, long firstSeq, long firstTime) {
    }

    private final Path dir;
    private final Manifest manifest;
    private final ReplayClock clock;
    private final Clock realClock = SystemClock.INSTANCE;
    private final long realStart;
    private final ReplayProgress progress;
    private final Map<Long, FileInfo> byOpenSeq = new HashMap<>();
    private final Map<Long, FileInfo> unopenedByFirstSeq = new HashMap<>();
    private final Map<String, FileInfo> sources = new HashMap<>();
    private final Map<Long, ReplayCursor> heads = new HashMap<>();
    private final List<Waiting> waiting = new ArrayList<>();
    private final BufferPool buffers = BufferPool.forReading();
    /**
     * The first sequence number the recording does not hold, as far as the manifest and the files tell before the
     * events themselves do: a failed recording's count of events written; for a recording that did not end cleanly,
     * the opening of a stream whose file was cut short in its header, or is missing.
     */
    private long end = Long.MAX_VALUE;
    private long next;
    private long bytesReceived;
    private int streams;
    private ReplayException failure;
    private ReplayStopPoint stopAt;
    private int startingFilesDeclared;

    private Replay(Path dir, Manifest manifest) {
        this.dir = dir;
        this.manifest = manifest;
        this.clock = new ReplayClock(manifest.startedMillis());
        this.realStart = realClock.nanoTime();
        this.progress = ReplayProgress.forConsole(manifest.events());
        if (Manifest.FAILED.equals(manifest.status())) {
            end = manifest.events();
        }
    }

    /**
     * Opens the recording in {@code dir} for {@code program}: reads the manifest and indexes every file.
     *
     * @throws IOException naming the file and offset if the recording is missing, foreign, or corrupt
     */
    static Replay open(Path dir, String program, List<String> arguments) throws IOException {
        Manifest manifest = Manifest.read(dir);
        if (!manifest.program().equals(program)) {
            throw new CorruptRecordingException(dir.resolve(ReplayFormat.MANIFEST), "recorded by program '"
                    + manifest.program() + "', not '" + program + "'");
        }
        if (arguments != null) {
            compareArguments(dir, manifest.arguments(), arguments);
        }
        Replay replay = new Replay(dir, manifest);
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + ReplayFormat.SUFFIX)) {
            for (Path file : files) {
                replay.index(file);
            }
        }
        if (Manifest.STOPPED.equals(manifest.status())) {
            log.info("{}: the recorded process was stopped from outside (a signal); the replay ends where the"
                    + " recording ends", dir);
        } else if (Manifest.CRASHED.equals(manifest.status())) {
            log.info("{}: the recorded process crashed ({}); the replay ends where the recording ends", dir,
                    manifest.error());
        } else if (Manifest.RECORDING.equals(manifest.status()) && RecordingReader.isBeingWritten(dir)) {
            log.warn("{}: the recording is still being written by a running process; the replay goes as far as it"
                    + " has written", dir);
        } else if (!manifest.complete()) {
            log.warn("{}: the recording did not end cleanly (status '{}'{}); it replays up to its last whole"
                    + " record", dir, manifest.status(), manifest.error() == null ? "" : ": " + manifest.error());
        }
        log.info("replaying {} ({} files, recorded by {} at {})", dir, replay.byOpenSeq.size()
                + replay.sources.size(), manifest.program(), Instant.ofEpochMilli(manifest.startedMillis()));
        return replay;
    }

    /**
     * Warns, naming the first difference, if the command line differs from the recorded one other than in the
     * {@code --replay...} options. Only a warning: a different log option changes nothing a replay checks, while a
     * different remote or database makes the replay diverge, with its own precise error.
     */
    private static void compareArguments(Path dir, List<String> recorded, List<String> now) {
        List<String> before = withoutReplayOptions(recorded);
        List<String> after = withoutReplayOptions(now);
        if (before.equals(after)) {
            return;
        }
        int i = 0;
        while (i < before.size() && i < after.size() && before.get(i).equals(after.get(i))) {
            i++;
        }
        log.warn("{}: the command line differs from the recorded one at argument {}: recorded {}, now {}; the replay"
                + " diverges if that changes what the program does (recorded command line: {})", dir, i + 1,
                i < before.size() ? "'" + before.get(i) + "'" : "nothing", i < after.size() ? "'" + after.get(i) + "'"
                        : "nothing",
                String.join(" ", recorded));
    }

    private static List<String> withoutReplayOptions(List<String> arguments) {
        return arguments.stream().filter(a -> !a.startsWith("--replay")).collect(Collectors.toList());
    }

    private void index(Path file) throws IOException {
        RecordReader opened;
        try {
            opened = new RecordReader(file, buffers);
        } catch (CorruptRecordingException e) {
            if (!e.isCutShort()) {
                throw e;
            }
            long openSeq = ReplayFormat.openSeqOf(file);
            if (!manifest.ended() && openSeq >= 0) {
                // The process stopped while creating this file: nothing from its opening on was recorded whole.
                end = Math.min(end, openSeq);
                log.warn("{}; the recording ends at event #{}, where that stream was opened", e.getMessage(),
                        openSeq);
            } else {
                log.warn("{}; ignoring it", e.getMessage());
            }
            return;
        }
        try (RecordReader reader = opened) {
            Record first = reader.peek();
            FileInfo info = new FileInfo(file, reader.kind(), reader.openSeq(), reader.name(),
                    first == null ? -1 : first.seq(), first == null ? 0 : first.time());
            if (info.kind() == FileKind.SOURCE) {
                sources.put(info.name(), info);
            } else {
                byOpenSeq.put(info.openSeq(), info);
            }
            if (first != null && (info.kind() == FileKind.SOURCE || first.seq() == info.openSeq())) {
                unopenedByFirstSeq.put(first.seq(), info);
            }
        }
    }

    /**
     * Checks {@code file}, the next file the application reads its starting state from, against the recording's
     * (or creates it from the recording's copy), before the application reads it.
     *
     * @throws StartingStateException if it holds another state; it is then left untouched
     */
    Path startingFile(Path file) throws IOException {
        List<Manifest.StartingFile> recorded = manifest.startingFiles();
        int index = startingFilesDeclared++;
        if (recorded.isEmpty()) {
            if (index == 0) {
                log.info("{}: the recording holds no copy of the starting state (an earlier version made it): {}"
                        + " must be as it was when recording started", dir, file);
            }
            return file;
        }
        if (index >= recorded.size()) {
            throw fail("the application reads its starting state from '" + file + "' as well, but the recorded"
                    + " process read it from " + recorded.size() + " file(s) only");
        }
        Manifest.StartingFile entry = recorded.get(index);
        if (StartingFiles.prepare(dir, entry, file)) {
            log.info("{}: created from the recording's copy of the starting state ({}, {} bytes)", file,
                    dir.resolve(entry.copy()), entry.size());
        } else if (entry.size() >= 0) {
            log.info("{}: the state this recording started from ({} bytes, SHA-256 matches)", file, entry.size());
        }
        return file;
    }

    /** The manifest. */
    Manifest manifest() {
        return manifest;
    }

    /** Makes the replay stop, idle, once the events up to {@code stop} have been delivered. */
    void stopAt(ReplayStopPoint stop) {
        this.stopAt = stop;
    }

    /** Whether {@code record} lies beyond the stop point, so is never delivered. */
    boolean isBeyondStop(Record record) {
        return stopAt != null && stopAt.isBeyond(record.seq(), record.time());
    }

    /** Whether the next event (number {@link #next}, at {@link #nextEventTime()}) lies beyond the stop point. */
    boolean nextIsBeyondStop() {
        return stopAt != null && nextEventTime() >= 0 && stopAt.isBeyond(next, nextEventTime());
    }

    /**
     * Set to true by a debugger to make a replay idle at its stop point go on to the end of the recording, so that
     * breakpoints set while it was stopped are hit. From a fresh jdb attach, where no thread is current yet:
     * {@code stop in io.streamreplay.replay.Replay.resumeRequested}, then, once it is hit (within a tenth of a
     * second, on the idle loop thread), {@code set io.streamreplay.replay.Replay.resume = true}.
     */
    static volatile boolean resume;

    /**
     * Whether a debugger asked the idle replay to go on ({@link #resume}); called by the idle loop ten times a
     * second, so that a breakpoint here stops that thread wherever the debugger attached from.
     */
    private static boolean resumeRequested() {
        return resume;
    }

    /**
     * The stop point is reached: says so once, then keeps the calling (loop) thread idle until the process is
     * stopped, so that a debugger can inspect it in exactly this state, or until a debugger sets {@link #resume}.
     * Interrupting the thread ends the replay with a {@link RecordingExhaustedException}, for code that runs a
     * replay in a thread of its own.
     */
    void idle() {
        progress.blank();
        log.info("replay of {} stopped at {} as asked (--replay-stop-at): event #{} was the last delivered, at"
                + " {} s; the next one is #{}. The process now stays idle until it is stopped (Ctrl-C or kill);"
                + " a debugger can attach and inspect it, and resume it (in jdb: stop in"
                + " io.streamreplay.replay.Replay.resumeRequested, then set io.streamreplay.replay.Replay.resume ="
                + " true).", dir, stopAt, next - 1,
                String.format("%.6f", clock.nanoTime() / 1e9), next);
        try {
            while (!resumeRequested()) {
                Thread.sleep(RESUME_POLL_MILLIS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failure = new RecordingExhaustedException("replay of " + dir + " stopped at " + stopAt
                    + " and its thread was interrupted", false);
            throw failure;
        }
        resume = false;
        stopAt = null;
        log.info("replay of {} resumed by a debugger at event #{}; it now runs to the end", dir, next);
    }

    ReplayClock clock() {
        return clock;
    }

    Path dir() {
        return dir;
    }

    /** The sequence number of the next event to deliver. */
    long next() {
        return next;
    }

    /**
     * Opens the file of the stream or listener the application opens now, checking it is the one recorded here.
     */
    ReplayCursor openNext(FileKind kind, String name) {
        checkFailure();
        if (nextEventTime() < 0) {
            throw exhausted();
        }
        FileInfo info = byOpenSeq.get(next);
        String operation = kind == FileKind.STREAM ? "opens" : "listens on";
        if (info == null || info.kind() != kind || info.firstSeq() != next) {
            throw fail("the application " + operation + " '" + name + "' but " + describeNext());
        }
        if (!prefix(info.name()).equals(prefix(name))) {
            throw fail("the application " + operation + " '" + name + "' but the recording " + operation + " '"
                    + info.name() + "' (file " + info.path().getFileName() + ")");
        }
        return open(info);
    }

    /**
     * Whether the recording holds the file of the stream accepted by event {@code seq}. If not, and the recording did
     * not end cleanly, the process stopped (or recording failed) before that file was created: the recording ends
     * at {@code seq}.
     */
    boolean holdsAccepted(long seq) {
        FileInfo info = byOpenSeq.get(seq);
        if (info != null && info.kind() == FileKind.STREAM) {
            return true;
        }
        if (!manifest.ended()) {
            end = Math.min(end, seq);
            return false;
        }
        return true;
    }

    /** Whether the recording process ended the recording, so that its files hold every event it counts. */
    boolean endedCleanly() {
        return manifest.ended();
    }

    /** Whether event {@code seq} lies within the recording: before its known {@link #end}. */
    boolean holds(long seq) {
        return seq < end;
    }

    /** Opens the file of the stream accepted by the event {@code seq}. */
    ReplayCursor openAccepted(long seq, String name) {
        FileInfo info = byOpenSeq.get(seq);
        if (info == null || info.kind() != FileKind.STREAM) {
            throw fail("the recording accepted '" + name + "' at #" + seq + " but has no file for it");
        }
        return open(info);
    }

    /** Opens the file of recorded source {@code name}, or returns null if the recording has none. */
    ReplayCursor openSource(String name) {
        FileInfo info = sources.get(name);
        return info == null ? null : open(info);
    }

    private ReplayCursor open(FileInfo info) {
        unopenedByFirstSeq.remove(info.firstSeq(), info);
        try {
            streams++;
            return new ReplayCursor(this, new RecordReader(info.path(), buffers));
        } catch (IOException e) {
            throw fail("corrupt recording: " + e.getMessage());
        }
    }

    void headAt(long seq, ReplayCursor cursor) {
        heads.put(seq, cursor);
    }

    void headGone(long seq, ReplayCursor cursor) {
        heads.remove(seq, cursor);
    }

    /** Records that {@code record}, read through {@code cursor}, was delivered to the application. */
    void delivered(Record record, ReplayCursor cursor) {
        heads.remove(record.seq(), cursor);
        next++;
        progress.update(next);
        clock.advanceTo(record.time());
        if (record.type() == RecordType.RECV_DATA) {
            bytesReceived += record.payload().length;
        }
        if (log.isDebugEnabled()) {
            // The fields of replay-tool dump, so that a log lines up with a dump of the recording.
            log.debug("event #{} +{}s {} {} {}", record.seq(), String.format("%.6f", record.time() / 1e9),
                    cursor.name(), record.type().label(), record.type() == RecordType.SEND_OK
                            ? record.sentLength() : record.payload().length);
        }
    }

    /**
     * Notes, for a divergence message, that the application waits for {@code operation} on {@code cursor}'s
     * stream. Cheap: the text is built only if the replay stalls.
     */
    void waiting(String operation, ReplayCursor cursor) {
        waiting.add(new Waiting(operation, cursor));
    }

    void clearWaiting() {
        waiting.clear();
    }

    /** The recorded time of the next event, or -1 if the recording holds no event with the next number. */
    long nextEventTime() {
        if (next >= end) {
            return -1;
        }
        ReplayCursor owner = heads.get(next);
        if (owner != null) {
            return owner.head().time();
        }
        FileInfo unopened = unopenedByFirstSeq.get(next);
        return unopened == null ? -1 : unopened.firstTime();
    }

    /** The application waits, nothing it waits for is due, and the recording holds further events. */
    ReplayDivergenceException stalled() {
        String waits = waiting.isEmpty() ? "nothing the recording can deliver"
                : waiting.stream().map(w -> w.operation() + " on " + w.cursor().describe())
                        .collect(java.util.stream.Collectors.joining(", "));
        return fail("the application waits for " + waits + ", but " + describeNext());
    }

    /** The application waits and the recording holds no further event. */
    ReplayException exhausted() {
        if (failure == null) {
            failure = new RecordingExhaustedException("end of recording " + dir + " reached after " + next
                    + " events" + whyItEndsHere(), !manifest.complete());
            return failure;
        }
        return again(failure);
    }

    /** Why the recording holds no further event, as its manifest tells; empty for a clean end. */
    private String whyItEndsHere() {
        if (manifest.ended() && manifest.events() > next) {
            return ", although its manifest counts " + manifest.events() + ": a file is missing, damaged or cut"
                    + " short (replay-tool verify " + dir + " names it)";
        }
        switch (manifest.status()) {
            case Manifest.COMPLETE:
                return "";
            case Manifest.STOPPED:
                return "; the recorded process was stopped here from outside (a signal such as SIGTERM)";
            case Manifest.FAILED:
                return "; recording stopped here because writing it failed (" + manifest.error() + ")";
            case Manifest.CRASHED:
                return "; the recorded process crashed here (" + manifest.error() + ")";
            default:
                return RecordingReader.isBeingWritten(dir)
                        ? "; the recording is still being written by a running process, and this is as far as it"
                                + " had written"
                        : "; the recorded process was killed or crashed here";
        }
    }

    /** Makes {@code problem} the sticky divergence and returns it for throwing. */
    ReplayDivergenceException fail(String problem) {
        if (failure instanceof ReplayDivergenceException) {
            return (ReplayDivergenceException) again(failure);
        }
        ReplayDivergenceException divergence = new ReplayDivergenceException("replay of " + dir
                + " diverged at event #" + next + ": " + problem);
        failure = divergence;
        return divergence;
    }

    /**
     * Throws the sticky failure, if any, as a new exception (with the first as its cause), so that code unwinding
     * through several calls that each report it never sees one instance twice.
     */
    void checkFailure() {
        if (failure != null) {
            throw again(failure);
        }
    }

    private static ReplayException again(ReplayException first) {
        ReplayException copy = first instanceof RecordingExhaustedException exhausted
                ? new RecordingExhaustedException(first.getMessage(), exhausted.recordingIncomplete())
                : new ReplayDivergenceException(first.getMessage());
        copy.initCause(first);
        return copy;
    }

    ReplayException failure() {
        return failure;
    }

    private String describeNext() {
        ReplayCursor owner = heads.get(next);
        if (owner != null) {
            Record head = owner.head();
            return "the next recorded event #" + next + " is " + head.type().operation + " on " + owner.describe()
                    + " at offset " + head.offset();
        }
        FileInfo unopened = unopenedByFirstSeq.get(next);
        if (unopened != null) {
            String what = unopened.kind() == FileKind.PASSIVE_STREAM ? "listen on" : unopened.kind() == FileKind.SOURCE
                    ? "a value drawn from source" : "open of";
            return "the next recorded event #" + next + " is " + what + " '" + unopened.name() + "' (file "
                    + unopened.path().getFileName() + ")";
        }
        return "the recording holds no event #" + next;
    }

    private static String prefix(String name) {
        int colon = name.indexOf(':');
        return colon < 0 ? name : name.substring(0, colon);
    }

    /**
     * Logs how the replay ended and what it did: finished (the application ended where the recorded run did),
     * ended where an unfinished recording ends, ran out of recording, or stopped by divergence; with the events and
     * streams replayed, counted as {@code replay-tool} counts them. Called when the application closes its context.
     */
    void logSummary() {
        progress.finish();
        double seconds = (realClock.nanoTime() - realStart) / 1e9;
        String figures = String.format(Locale.ROOT, "%d events of %d streams (%d bytes received) in %.3f s (%s"
                + " events/s)", next, streams, bytesReceived, seconds,
                seconds > 0
                        ? String.format(Locale.ROOT, "%.0f", next / seconds) : "-");
        if (stopAt != null && !(failure instanceof ReplayDivergenceException)) {
            log.warn("replay of {}: --replay-stop-at={} was never reached: the replay ended after event #{}{}", dir,
                    stopAt, next - 1, nextEventTime() < 0 ? ", the last in the recording" : "");
        }
        if (failure == null && nextEventTime() >= 0) {
            log.warn("replay of {} ended at event #{}, before the recording does: the application stopped there,"
                    + " while the recorded run went on; {}", dir, next, figures);
        } else if (failure == null) {
            log.info("replay of {} finished: {}; the application ended where the recorded run ended", dir, figures);
        } else if (failure instanceof ReplayDivergenceException) {
            log.info("replay of {} stopped by divergence at event #{}, after {}", dir, next, figures);
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
