package io.streamreplay.replay;

import io.streamreplay.fault.FaultSpec;
import io.streamreplay.fault.StreamFaults;
import io.streamreplay.poll.PollLoop;
import io.streamreplay.poll.SelectorBlocker;
import io.streamreplay.poll.SystemClock;
import io.streamreplay.stream.StreamProvider;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.Marker;

/**
 * Everything one process needs to record or replay: the mode, the directory, the sequence counter and the open
 * files. It is an object handed to the stream layer at start-up, never global state, so one JVM can record and then
 * replay (as the tests do).
 *
 * <p>Typical start-up:
 * <pre>{@code
 * ReplayContext replay = options.open("my-server", args);      // from ReplayOptions
 * PollLoop loop = replay.newPollLoop();
 * StreamProvider streams = replay.streams(TransportRegistry.standard(tls));
 * RecordedSource uuids = replay.source("uuid");
 * }</pre>
 * Closing the context ends a recording cleanly (manifest {@code complete}) or logs a replay's summary. A recording
 * context also closes itself from a JVM shutdown hook, so a process that exits without closing it loses nothing.
 *
 * <p>Threading: the loop thread, apart from the shutdown hook.
 */
public final class ReplayContext implements AutoCloseable {

    /** The line a process stopped by a signal logs, and its replay again where it ends. */
    private static final String STOPPING = "stopping on {}";

    private final ReplayMode mode;
    private final Recording recording;
    private final Replay replay;
    private final Map<String, RecordedSource> sources = new HashMap<>();
    private final Thread shutdownHook;
    private RecordingFailurePolicy failurePolicy = RecordingFailurePolicy.CONTINUE;
    private PollLoop loop;
    private ReplayPace pace = ReplayPace.MAX;
    private StreamFaults faults;
    private boolean closed;

    private ReplayContext(ReplayMode mode, Recording recording, Replay replay) {
        this.mode = mode;
        this.recording = recording;
        this.replay = replay;
        if (recording != null) {
            shutdownHook = new Thread(recording::closeAtShutdown, "recording-shutdown");
            Runtime.getRuntime().addShutdownHook(shutdownHook);
        } else {
            shutdownHook = null;
        }
    }

    /** Live operation: nothing recorded, real sockets and clock. */
    public static ReplayContext live() {
        return new ReplayContext(ReplayMode.NONE, null, null);
    }

    /**
     * Records into {@code dir}, which is created owner-only if needed. An earlier recording there is kept: moved
     * into the subdirectory {@code previous-N} (N one more than the highest there), and the log says so.
     *
     * @param program the application's name, checked again on replay
     * @param arguments the command line, stored in the manifest for people reading it
     * @throws IOException if the directory cannot be used (it belongs to another user, others can write to it, it
     *     holds files that are not a recording's) or another process records into it
     */
    public static ReplayContext record(Path dir, String program, List<String> arguments) throws IOException {
        return record(dir, program, arguments, RecordingFailurePolicy.CONTINUE);
    }

    /**
     * Records into {@code dir}, as {@link #record(Path, String, List)}, with {@code policy} for a failure to write.
     * A recording can fail at once (the earlier recording cannot be moved aside, the disk has no room for the
     * manifest and its reserve): under {@link RecordingFailurePolicy#EXIT} that is a
     * {@link RecordingFailedException} here; otherwise the process goes on unrecorded ({@link #recordingFailure()}).
     */
    public static ReplayContext record(Path dir, String program, List<String> arguments,
            RecordingFailurePolicy policy) throws IOException {
        return record(dir, program, arguments, policy, RecordingBounds.NONE);
    }

    /**
     * Records into {@code dir}, as {@link #record(Path, String, List, RecordingFailurePolicy)}, up to
     * {@code bounds}: when the next event would pass one, the recording stops cleanly before it (its manifest says
     * {@code truncated}, with the bound), logs one warning, and the process goes on unrecorded.
     */
    public static ReplayContext record(Path dir, String program, List<String> arguments,
            RecordingFailurePolicy policy, RecordingBounds bounds) throws IOException {
        return record(dir, program, arguments, policy, bounds, RecordingCompression.DEFAULT);
    }

    /**
     * Records into {@code dir}, as {@link #record(Path, String, List, RecordingFailurePolicy, RecordingBounds)}, its
     * replay files' blocks stored with {@code compression}.
     */
    public static ReplayContext record(Path dir, String program, List<String> arguments,
            RecordingFailurePolicy policy, RecordingBounds bounds, RecordingCompression compression)
            throws IOException {
        Recording recording = Recording.start(dir, program, arguments, SystemClock.INSTANCE, bounds, compression);
        if (recording.failure() != null && policy == RecordingFailurePolicy.EXIT) {
            recording.close();
            throw new RecordingFailedException(dir, recording.failure());
        }
        ReplayContext context = new ReplayContext(ReplayMode.RECORD, recording, null);
        context.failurePolicy = policy;
        return context;
    }

    /**
     * Replays the recording in {@code dir}.
     *
     * @throws IOException naming the file if the recording is missing, foreign, of a newer format or corrupt
     */
    public static ReplayContext replay(Path dir, String program) throws IOException {
        return replay(dir, program, null, null);
    }

    /**
     * Replays the recording in {@code dir} up to {@code stop} (none if null), where the loop thread then stays
     * idle until the process is stopped, for a debugger to inspect it. If {@code arguments} (the command line now)
     * is given and differs from the recorded one other than in the {@code --replay...} options, a warning names the
     * first difference.
     *
     * @throws IOException naming the file if the recording is missing, foreign, of a newer format or corrupt
     */
    public static ReplayContext replay(Path dir, String program, List<String> arguments, ReplayStopPoint stop)
            throws IOException {
        return replay(dir, program, arguments, stop, ReplayPace.MAX);
    }

    /**
     * As {@link #replay(Path, String, List, ReplayStopPoint)}, delivering events at {@code pace}: as fast as the
     * process computes ({@link ReplayPace#MAX}), or sleeping between loop iterations to follow the recorded times.
     *
     * @throws IOException naming the file if the recording is missing, foreign, of a newer format or corrupt
     */
    public static ReplayContext replay(Path dir, String program, List<String> arguments, ReplayStopPoint stop,
            ReplayPace pace) throws IOException {
        Replay replay = Replay.open(dir, program, arguments);
        if (stop != null) {
            replay.stop().set(stop);
        }
        ReplayContext context = new ReplayContext(ReplayMode.REPLAY, null, replay);
        context.pace = pace;
        return context;
    }

    /** The mode chosen at start-up. */
    public ReplayMode mode() {
        return mode;
    }

    /** Whether recording or replaying. */
    public boolean isActive() {
        return mode != ReplayMode.NONE;
    }

    /**
     * The inactivity probe interval, in milliseconds, for the JSON-RPC sessions of an application: the one place
     * that decides it. {@code requested}, if the user gave one (0 turns probes off), else {@code liveDefault} when
     * live, and 0 while recording or replaying: probes stay off there unless asked for, as the product has always
     * behaved, and when asked for they are recorded and replayed exactly (time is a recorded input). A replay runs
     * the recorded command line, so it decides as the recorded run did.
     */
    public long probeIntervalMillis(Long requested, long liveDefault) {
        if (requested != null) {
            return Math.max(0, requested);
        }
        return isActive() ? 0 : liveDefault;
    }

    /** The recording directory, or null when live. */
    public Path directory() {
        return recording != null ? recording.dir() : replay != null ? replay.dir() : null;
    }

    /**
     * The process's poll loop: on the real clock and a selector, or on recorded time when replaying. Recording
     * flushes its buffers each time this loop is about to block. The loop holds output back per iteration
     * ({@link PollLoop#holdsOutput()}), except in a replay of a recording whose process wrote each message at once
     * ({@link Manifest#output()}). Call once.
     */
    public PollLoop newPollLoop() {
        if (loop != null) {
            throw new IllegalStateException("the context already made its poll loop");
        }
        if (replay != null) {
            // A recording made by a build that wrote each message at once replays so, in the recorded order.
            loop = new PollLoop(new ReplayBlocker(replay, pace), replay.manifest().outputPerIteration());
        } else {
            try {
                loop = recording == null ? new PollLoop(new SelectorBlocker(SystemClock.INSTANCE))
                        : new PollLoop(new RecordingBlocker(new SelectorBlocker(recording.clock()), recording.clock(),
                                recording));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot open a selector", e);
            }
            if (recording != null) {
                loop.beforeBlock(this::flushRecording);
            }
        }
        return loop;
    }

    /**
     * Writes what was recorded since the last time, and a manifest that could not be written when its retry is due
     * (waking the loop for it); under {@link RecordingFailurePolicy#EXIT}, stops on failure.
     */
    private void flushRecording() {
        recording.flush();
        long retry = recording.retryManifest();
        if (retry >= 0) {
            loop.waitMillis(retry, "recording manifest retry");
        }
        IOException failure = recording.failure();
        if (failure != null && failurePolicy == RecordingFailurePolicy.EXIT) {
            throw new RecordingFailedException(recording.dir(), failure);
        }
    }

    /**
     * The stream provider the application must use: {@code live} with the fault layer ({@link #streamFaults()})
     * in front of it, and the recording in front of both when recording; or the recording alone when replaying
     * ({@code live} is then never called), since it holds the results of any faults injected. The fault layer
     * times its faults on the loop's clock, so call {@link #newPollLoop()} first; before that, {@code live} gets no
     * fault layer (and faults given already are refused with an {@link IllegalStateException}).
     */
    public StreamProvider streams(StreamProvider live) {
        StreamProvider below = live;
        if (loop != null) {
            below = streamFaults().wrap(live, loop.clock());
        } else if (faults != null && !faults.spec().isEmpty() && mode != ReplayMode.REPLAY) {
            throw new IllegalStateException("stream faults need the poll loop: call newPollLoop() before streams()");
        }
        return switch (mode) {
            case RECORD -> new RecordingStreamProvider(below, recording);
            case REPLAY -> new ReplayStreamProvider(replay);
            default -> below;
        };
    }

    /**
     * The stream faults of this process: injected below the recording when live or recording, held but not
     * injected when replaying. Their seed, unless {@link #startStreamFaults} was given one, is drawn when first
     * needed from the recorded source {@code stream-faults}, so that a replay sees the recorded seed.
     */
    public StreamFaults streamFaults() {
        if (faults == null) {
            faults = newStreamFaults(null);
        }
        return faults;
    }

    /**
     * Puts {@code spec} (if not null) in force from the start, with {@code seed} (if not null) as the seed of every
     * fault decision: what {@code --stream-faults} and {@code --stream-faults-seed} ask for. Call before
     * {@link #streams}.
     */
    public void startStreamFaults(FaultSpec spec, Long seed) {
        faults = newStreamFaults(seed);
        if (spec != null) {
            faults.set(spec);
        }
    }

    private StreamFaults newStreamFaults(Long seed) {
        return new StreamFaults(mode != ReplayMode.REPLAY, seed, () -> source("stream-faults").nextLong(),
                recording == null ? null : (spec, s) -> recording.streamFaults(spec.toString(), s));
    }

    /** The recorded source named {@code name}, created on first use. */
    public RecordedSource source(String name) {
        return sources.computeIfAbsent(name, n -> {
            return switch (mode) {
                case RECORD -> RecordedSource.recording(n, recording);
                case REPLAY -> RecordedSource.replaying(n, replay);
                default -> RecordedSource.live(n);
            };
        });
    }

    /**
     * Declares {@code file} as one the application reads its starting state from, such as a database, before it
     * reads it, and returns the path to read. Declare such files in the same order when recording and replaying.
     *
     * <ul>
     *   <li>Live: nothing is done.</li>
     *   <li>Recording: the file is copied into the recording ({@code start/NAME}) with its size and SHA-256 in the
     *   manifest, so that a replay needs no copy made by hand. A file that does not exist is noted as such. Failing
     *   to write the copy fails the recording, as any write does.</li>
     *   <li>Replaying: a file that does not exist is created from the recording's copy; one that exists must be
     *   the recorded state (size and SHA-256), and is otherwise left untouched with a
     *   {@link StartingStateException}. A recording made before copies were kept is not checked.</li>
     * </ul>
     *
     * @throws StartingStateException when replaying, if the file holds another state than the recorded one
     * @throws IOException when replaying, if the recording's copy cannot be read or the file cannot be written
     */
    public Path startingFile(Path file) throws IOException {
        if (recording != null) {
            recording.addStartingFile(file);
        } else if (replay != null) {
            return replay.startingFile(file);
        }
        return file;
    }

    /**
     * Applies the output commit rule to an output of the application's own that is not a stream, such as a write to
     * a file that a later run (or a replay's check) reads: call it just before the output. When recording, every
     * input recorded so far is then written out to the recording's files before it returns: every event but a send's
     * outcome, and the time if the application read the clock in this loop iteration (an iteration that recorded no
     * event yet records a tick for it). A {@code kill -9} right after the output therefore never leaves an output
     * that the recording cannot replay to. The streams apply the same rule by themselves before a send, a shutdown,
     * a close, a connect and a listen.
     *
     * <p>What it guarantees: the records are handed to the operating system (its page cache), which outlives the
     * process, not forced to the disk; a machine that loses power may lose them while keeping an output the
     * application forced to its disk. Once the recording failed or stopped at a bound, it does nothing (the
     * recording ends there, as {@link #recordingFailure()} and the manifest say).
     *
     * <p>Its cost: nothing when nothing was recorded since the last write-out, as after an earlier call or a send in
     * the same loop iteration; otherwise one {@code write} per replay file with buffered records, which the loop
     * would otherwise make when it blocks. An output followed in the same iteration by a send (a transaction
     * written, then answered) makes that send's write-out unnecessary, so the pair costs what the send alone did.
     *
     * <p>Live and replaying, it does nothing. Threading: the loop thread.
     */
    public void commitBeforeOutput() {
        if (recording != null) {
            recording.flushBeforeOutput();
        }
    }

    /**
     * The recording directory as the recording process named it: {@link #directory()} when recording; when
     * replaying, the recorded run's (or the replay's directory, for recordings made before the manifest said); null
     * when live. An application that reports its recording to peers reports this, so that a replay sends what the
     * recorded run sent.
     */
    public String recordedDirectory() {
        if (recording != null) {
            return recording.dir().toString();
        }
        if (replay != null) {
            String recorded = replay.manifest().directory();
            return recorded != null ? recorded : replay.dir().toString();
        }
        return null;
    }

    /**
     * A signal ({@code SIGTERM}, {@code SIGINT}) stops the process: logs {@code stopping on SIGTERM} to {@code log},
     * the application's logger, and notes the signal in the manifest when recording. The replay of that recording
     * logs the same line to the same logger where it ends ({@link #ended}), so that its log is the recorded run's.
     * Any thread.
     */
    public void stoppingOnSignal(Logger log, String signal) {
        log.info(STOPPING, signal);
        if (recording != null) {
            recording.stoppedBy(signal);
        }
    }

    /**
     * When replaying, the signal that stopped the recorded process, if the application noted it
     * ({@link #stoppingOnSignal}); otherwise null.
     */
    public String recordedSignal() {
        return replay == null ? null : replay.manifest().signal();
    }

    /**
     * Ends the application's run on {@code e} (caught around its main loop): logs it and returns the exit status to
     * end the process with ({@link RecordReplayException#exitStatus()}). A replay that reached the end of a
     * recording of a stopped or killed run logs only what that run logged there (the signal's line, if a signal
     * stopped it), so that the two logs stay equal; a failed recording is logged to {@code log}; any other end of a
     * replay is logged with {@code outsideLogFile}, the marker of lines the application keeps out of its log file.
     */
    public int ended(RecordReplayException e, Logger log, Marker outsideLogFile) {
        if (e.isExpectedEnd()) {
            if (recordedSignal() != null) {
                log.info(STOPPING, recordedSignal());
            }
        } else if (e instanceof RecordingFailedException) {
            log.error("{}", e.getMessage());
        } else {
            log.error(outsideLogFile, "{}", e.getMessage());
        }
        return e.exitStatus();
    }

    /** Events recorded (once failed: written before the failure) or replayed so far. */
    public long events() {
        return recording != null ? recording.events() : replay != null ? replay.next() : 0;
    }

    /**
     * When replaying, the events the recording holds (as its manifest counts them; 0 for a recording that did not
     * end cleanly, whose count is not known); otherwise 0. With {@link #events()}, a replay's progress.
     */
    public long recordedEvents() {
        return replay == null ? 0 : replay.manifest().events();
    }

    /** Why recording stopped early (disk full, I/O error), or null. */
    public IOException recordingFailure() {
        return recording == null ? null : recording.failure();
    }

    /**
     * Ends a recording cleanly (manifest {@code complete}), or logs what a replay did. Idempotent. An application
     * that ends because of an error must call {@link #closeAfterCrash} instead, first: a recording closed here says
     * the process ended as it meant to.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (recording != null) {
            recording.close();
            removeShutdownHook();
        }
        if (replay != null) {
            replay.logSummary();
        }
    }

    /**
     * Ends a recording after the application failed with {@code error}, which it cannot recover from (an
     * {@link OutOfMemoryError}, a bug): every event recorded is written, and the manifest says {@code crashed}, with
     * the error, so that a replay ends where the recording ends and says why. For a replay, as {@link #close()}.
     * A later {@link #close()} does nothing more.
     */
    public void closeAfterCrash(Throwable error) {
        if (closed) {
            return;
        }
        closed = true;
        if (recording != null) {
            recording.closeAfterCrash(error);
            removeShutdownHook();
        }
        if (replay != null) {
            replay.logSummary();
        }
    }

    private void removeShutdownHook() {
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // Already shutting down: the hook runs (harmlessly, closing is idempotent).
        }
    }
}
