package io.streamreplay.replay;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sequencer of a process that replays: the recording's files indexed by the sequence number at which each is
 * opened or starts, the next sequence number due, the record each open file will deliver next, and what the
 * application waits for in this loop iteration (to explain a divergence). An event is delivered only when its number
 * is the next one, so that events happen in exactly the recorded order.
 *
 * <p>In a recording of format 2, time is an input: the first record of each loop iteration is marked, and an
 * iteration that read the clock and recorded nothing else left a tick. Such a record is delivered only once the
 * replay has entered its iteration, which the replay's blocker does each time the application blocks: the clock then
 * shows the time that iteration saw, so the application's timers fire exactly where they fired when recording. A
 * recording of format 1 replays as before, without iterations: recorded time moves with each event, and a timer
 * fires when the application waits only for it and its deadline comes before the next event.
 *
 * <p>The first divergence or end of recording is sticky ({@link ReplayFailures}); the stop point for a debugger is
 * {@link ReplayStop}; what the replay did is counted by {@link ReplaySummary}; what it says of the recording at
 * start is {@link ReplayNotices}'. Loop thread only.
 */
final class Replay {

    private static final Logger log = LoggerFactory.getLogger(Replay.class);

    private final Path dir;
    private final Manifest manifest;
    private final ReplayClock clock;
    private final ReplayProgress progress;
    private final ReplayFailures failures;
    private final ReplayStop stop = new ReplayStop();
    private final ReplaySummary summary = new ReplaySummary();
    private final Map<Long, RecordingIndex.Entry> byOpenSeq = new HashMap<>();
    private final Map<Long, RecordingIndex.Entry> unopenedByFirstSeq = new HashMap<>();
    private final Map<String, RecordingIndex.Entry> sources = new HashMap<>();
    private final Map<Long, ReplayCursor> heads = new HashMap<>();
    private final ReplayWaits waits = new ReplayWaits();
    private final BufferPool buffers = BufferPool.forReading();
    /**
     * The first sequence number the recording does not hold, as far as the manifest and the files tell before the
     * events themselves do: a failed recording's count of events written, a truncated one's count of events; for a recording that did not end cleanly,
     * the opening of a stream whose file was cut short in its header, or is missing.
     */
    private long end = Long.MAX_VALUE;
    private long next;
    /** Whether the recording records time (format 2): iterations are entered, not inferred. */
    private boolean recordsTime;
    /** The first record of the loop iteration the replay is in (format 2), or -1 before any. */
    private long entered = -1;
    /** The ticks of the recording's iterations that read the clock and recorded nothing else (format 2). */
    private ReplayCursor ticks;
    private int startingFilesDeclared;

    private Replay(Path dir, Manifest manifest) {
        this.dir = dir;
        this.manifest = manifest;
        this.clock = new ReplayClock(manifest.startedMillis());
        this.progress = ReplayProgress.forConsole(manifest.events());
        this.failures = new ReplayFailures(dir, manifest, this);
        if (Manifest.FAILED.equals(manifest.status()) || manifest.truncated()) {
            end = manifest.events();
        }
    }

    /**
     * Opens the recording in {@code dir} for {@code program}: reads the manifest and indexes every file. If
     * {@code arguments} (the command line now) is given, a difference from the recorded one is logged.
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
            RecordedCommandLine.warnIfDiffers(dir, manifest.arguments(), arguments);
        }
        Replay replay = new Replay(dir, manifest);
        RecordingIndex index = RecordingIndex.of(dir, replay.buffers);
        replay.index(index);
        ReplayNotices.howItEnds(dir, manifest);
        replay.recordsTime = index.recordsTime();
        if (replay.recordsTime) {
            replay.startRecordedTime(index);
        } else if (!index.entries().isEmpty()) {
            ReplayNotices.withoutTime(dir);
        }
        ReplayNotices.replaying(dir, manifest, replay.byOpenSeq.size() + replay.sources.size());
        return replay;
    }

    /** Opens the ticks, and enters the first iteration: the process's start-up, before its loop first blocks. */
    private void startRecordedTime(RecordingIndex index) {
        for (RecordingIndex.Entry entry : index.entries()) {
            if (entry.kind() == FileKind.TIME) {
                ticks = open(entry);
                ticks.head();
            }
        }
        if (nextStartsIteration()) {
            enterIteration();
        }
    }

    private void index(RecordingIndex index) throws CorruptRecordingException {
        for (RecordingIndex.Unreadable file : index.unreadable()) {
            if (!file.reason().isCutShort()) {
                throw file.reason();
            }
            long openSeq = ReplayFormat.openSeqOf(file.path());
            if (!manifest.ended() && openSeq >= 0) {
                // The process stopped while creating this file: nothing from its opening on was recorded whole.
                end = Math.min(end, openSeq);
                log.warn("{}; the recording ends at event #{}, where that stream was opened",
                        file.reason().getMessage(), openSeq);
            } else {
                log.warn("{}; ignoring it", file.reason().getMessage());
            }
        }
        for (RecordingIndex.Entry entry : index.entries()) {
            if (entry.kind() == FileKind.SOURCE) {
                sources.put(entry.name(), entry);
            } else if (entry.kind() != FileKind.TIME) {
                byOpenSeq.put(entry.openSeq(), entry);
            }
            if (entry.startsWithItsOpening()) {
                unopenedByFirstSeq.put(entry.firstSeq(), entry);
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
        return StartingFiles.check(dir, manifest, startingFilesDeclared++, file, failures);
    }

    Manifest manifest() {
        return manifest;
    }

    ReplayClock clock() {
        return clock;
    }

    Path dir() {
        return dir;
    }

    ReplayFailures failures() {
        return failures;
    }

    ReplayStop stop() {
        return stop;
    }

    /** The sequence number of the next event to deliver. */
    long next() {
        return next;
    }

    /** Whether {@code record} lies beyond the stop point, so is never delivered. */
    boolean isBeyondStop(ReplayRecord record) {
        return stop.isBeyond(record.seq(), record.time());
    }

    /**
     * Whether {@code record} may be delivered now: it is the next event, and, if it starts a loop iteration, the
     * replay has entered that iteration.
     */
    boolean isDue(ReplayRecord record) {
        return record.seq() == next && (!record.startsIteration() || entered == next);
    }

    /** Whether the recording records time (format 2), so that the replay enters its loop iterations. */
    boolean recordsTime() {
        return recordsTime;
    }

    /** Whether the next event starts a loop iteration the replay has not entered yet (format 2). */
    boolean nextStartsIteration() {
        if (!recordsTime || entered == next || nextEventTime() < 0) {
            return false;
        }
        ReplayCursor owner = heads.get(next);
        if (owner != null) {
            return owner.head().startsIteration();
        }
        RecordingIndex.Entry unopened = unopenedByFirstSeq.get(next);
        return unopened != null && unopened.firstStartsIteration();
    }

    /**
     * Enters the loop iteration the next event starts: the clock shows the time that iteration saw; a tick (an
     * iteration that recorded nothing else) is consumed, leaving the application to run that iteration.
     */
    void enterIteration() {
        entered = next;
        clock.setTo(nextEventTime());
        ReplayRecord tick = ticks == null ? null : ticks.head();
        if (tick != null && tick.seq() == next) {
            ticks.consume();
        }
    }

    /** Whether the next event lies beyond the stop point. */
    boolean nextIsBeyondStop() {
        long time = nextEventTime();
        return time >= 0 && stop.isBeyond(next, time);
    }

    /** Stays idle at the stop point (see {@link ReplayStop#idle}). */
    void idle() {
        progress.blank();
        stop.idle(this, next, clock.nanoTime());
    }

    /**
     * Opens the file of the stream or listener the application opens now, checking it is the one recorded here.
     */
    ReplayCursor openNext(FileKind kind, String name) {
        failures.check();
        if (nextEventTime() < 0) {
            throw failures.exhausted();
        }
        RecordingIndex.Entry entry = byOpenSeq.get(next);
        String operation = kind == FileKind.STREAM ? "opens" : "listens on";
        if (entry == null || entry.kind() != kind || entry.firstSeq() != next) {
            throw failures.fail("the application " + operation + " '" + name + "' but " + describeNext());
        }
        if (entry.firstStartsIteration() && entered != next) {
            throw failures.fail("the application " + operation + " '" + name + "' before the loop iteration that"
                    + " does so in the recording (file " + entry.path().getFileName() + ")");
        }
        if (!prefix(entry.name()).equals(prefix(name))) {
            throw failures.fail("the application " + operation + " '" + name + "' but the recording " + operation
                    + " '" + entry.name() + "' (file " + entry.path().getFileName() + ")");
        }
        return open(entry);
    }

    /**
     * Whether the recording holds the file of the stream accepted by event {@code seq}. If not, and the recording did
     * not end cleanly, the process stopped (or recording failed) before that file was created: the recording ends
     * at {@code seq}.
     */
    boolean holdsAccepted(long seq) {
        RecordingIndex.Entry entry = byOpenSeq.get(seq);
        if (entry != null && entry.kind() == FileKind.STREAM) {
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

    /** Whether event {@code seq} lies within the recording: before its known end. */
    boolean holds(long seq) {
        return seq < end;
    }

    /** Opens the file of the stream accepted by the event {@code seq}. */
    ReplayCursor openAccepted(long seq, String name) {
        RecordingIndex.Entry entry = byOpenSeq.get(seq);
        if (entry == null || entry.kind() != FileKind.STREAM) {
            throw failures.fail("the recording accepted '" + name + "' at #" + seq + " but has no file for it");
        }
        return open(entry);
    }

    /** Opens the file of recorded source {@code name}, or returns null if the recording has none. */
    ReplayCursor openSource(String name) {
        RecordingIndex.Entry entry = sources.get(name);
        return entry == null ? null : open(entry);
    }

    private ReplayCursor open(RecordingIndex.Entry entry) {
        unopenedByFirstSeq.remove(entry.firstSeq(), entry);
        try {
            if (entry.kind() != FileKind.TIME) {
                summary.streamOpened();
            }
            return new ReplayCursor(this, new RecordReader(entry.path(), buffers));
        } catch (IOException e) {
            throw failures.fail(ReplayCursor.unreadable(e));
        }
    }

    void headAt(long seq, ReplayCursor cursor) {
        heads.put(seq, cursor);
    }

    void headGone(long seq, ReplayCursor cursor) {
        heads.remove(seq, cursor);
    }

    /** Records that {@code record}, read through {@code cursor}, was delivered to the application. */
    void delivered(ReplayRecord record, ReplayCursor cursor) {
        heads.remove(record.seq(), cursor);
        next++;
        progress.update(next);
        clock.advanceTo(record.time());
        if (record.type() == RecordType.RECV_DATA) {
            summary.received(record.payload().length);
        }
        if (log.isDebugEnabled()) {
            // The fields of replay-tool dump, so that a log lines up with a dump of the recording.
            log.debug("event #{} +{}s {} {} {}", record.seq(), String.format("%.6f", record.time() / 1e9),
                    cursor.name(), record.type().label(), record.type() == RecordType.SEND_OK
                            ? Payloads.sentLength(record.payload()) : record.payload().length);
        }
    }

    /** What the application waits for in this loop iteration, for a divergence message. */
    ReplayWaits waits() {
        return waits;
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
        RecordingIndex.Entry unopened = unopenedByFirstSeq.get(next);
        return unopened == null ? -1 : unopened.firstTime();
    }

    /** The application waits, nothing it waits for is due, and the recording holds further events. */
    ReplayDivergenceException stalled() {
        return failures.stalled(waits.describe());
    }

    /** What the recording holds next, for messages. */
    String describeNext() {
        ReplayCursor owner = heads.get(next);
        if (owner != null) {
            ReplayRecord head = owner.head();
            if (head.type() == RecordType.TICK) {
                return "the next recorded event #" + next + " is a loop iteration that only reads the clock (at "
                        + String.format("%.6f", head.time() / 1e9) + " s)";
            }
            return "the next recorded event #" + next + " is " + head.type().operation + " on " + owner.describe()
                    + " at offset " + head.offset();
        }
        RecordingIndex.Entry unopened = unopenedByFirstSeq.get(next);
        if (unopened != null) {
            String what = switch (unopened.kind()) {
                case PASSIVE_STREAM -> "listen on";
                case SOURCE -> "a value drawn from source";
                case STREAM -> "open of";
                case TIME -> "a loop iteration of";
            };
            return "the next recorded event #" + next + " is " + what + " '" + unopened.name() + "' (file "
                    + unopened.path().getFileName() + ")";
        }
        return "the recording holds no event #" + next;
    }

    private static String prefix(String name) {
        int colon = name.indexOf(':');
        return colon < 0 ? name : name.substring(0, colon);
    }

    /** Logs how the replay ended and what it did; called when the application closes its context. */
    void logSummary() {
        progress.finish();
        summary.log(dir, manifest, next, failures.first(), nextEventTime() >= 0, stop.point());
    }
}
