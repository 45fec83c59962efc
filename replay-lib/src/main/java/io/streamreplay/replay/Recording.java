package io.streamreplay.replay;

import io.streamreplay.poll.Clock;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The state of a process that records: the directory and its lock, the process-wide sequence counter, the open
 * replay files and the buffers they share, the manifest.
 *
 * <p>Failure policy: if writing fails (disk full, I/O error), the recording logs one error, marks the manifest
 * {@code failed} with the number of events written before the failure (where a replay ends), closes its files and
 * records nothing more; the application keeps running undisturbed. A manifest that cannot be written (the directory
 * made read-only) is written again later ({@link ManifestWriter}) whenever the loop is about to block
 * ({@link #retryManifest()}), and once more at the end. A reserve for the manifest that cannot be written at start
 * (a nearly full disk) is a failure at once.
 *
 * <p>Bounds ({@link RecordingBounds}): before an event would take the recording past its bound in bytes of replay
 * files or in events, the recording writes out every event before it, closes its files, marks the manifest
 * {@code truncated} (naming the bound, with that count of events: where a replay ends), logs one warning and records
 * nothing more; the application keeps running undisturbed. Every event is checked before any of its bytes are
 * buffered, so the files hold exactly the events before the bound.
 *
 * <p>Threading: used from the loop thread, and from a shutdown hook when the process exits; every method is
 * synchronized so the hook's final flush cannot interleave with a record being written.
 */
final class Recording implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Recording.class);

    private final Path dir;
    private final RecordingClock clock;
    private final RecordingDirectory directory;
    private final BufferPool buffers = BufferPool.forWriting();
    private final BlockCompressor compressor;
    private final Set<RecordWriter> writers = new LinkedHashSet<>();
    private final ManifestWriter manifest;
    private final RecordingBounds bounds;
    /**
     * Bytes of every replay file so far (headers and blocks, buffered or written) before compression: what the size
     * bound counts, less what compression saved.
     */
    private long bytes;
    /** Once truncated: the bound reached, as an option, and the number of events recorded before it. */
    private String truncatedBy;
    private long truncatedEvents;
    /** Whether this recording's manifest may be written: not before an earlier recording was moved out of the way. */
    private boolean ownsManifest;
    private long nextSeq;
    /** The first sequence number of this loop iteration, or -1 while it has none. */
    private long iterationFirstSeq = -1;
    /** The file of the iterations' ticks, created with the first. */
    private RecordWriter ticks;
    /** Whether an event other than a send's outcome was buffered since the files were last written. */
    private boolean inputsBuffered;
    /**
     * Whether this loop iteration's time (the time of its first record) was written out: the time the application
     * read in it, an input like any other.
     */
    private boolean iterationTimeWritten;
    /** Once failed: the number of events written before the failure. */
    private long writtenEvents;
    private long closedBytes;
    private int files;
    private IOException failure;
    private boolean closed;

    private Recording(Path dir, RecordingClock clock, Clock machine, RecordingDirectory directory,
            Manifest manifest, RecordingBounds bounds, RecordingCompression compression) {
        this.dir = dir;
        this.bounds = bounds;
        this.compressor = new BlockCompressor(compression);
        this.clock = clock;
        this.directory = directory;
        this.manifest = new ManifestWriter(dir, machine, log, manifest);
    }

    /**
     * Starts recording into {@code dir}: creates it owner-only if needed, checks and locks it, moves an earlier
     * recording there into {@code previous-N} (logging where), writes the manifest and its reserve. If the directory
     * cannot be locked (made read-only), the earlier recording cannot be moved, or the manifest or its reserve
     * cannot be written, the recording fails at once ({@link #failure()}), and the process may go on unrecorded;
     * the earlier recording is never touched otherwise.
     *
     * @throws IOException if the directory cannot be created, is unsafe (another user's, writable by others), holds
     *     files that are not a recording's, or another process is recording into it
     */
    static Recording start(Path dir, String program, List<String> arguments, Clock clock) throws IOException {
        return start(dir, program, arguments, clock, RecordingBounds.NONE);
    }

    /** As {@link #start(Path, String, List, Clock)}, stopping at {@code bounds}. */
    static Recording start(Path dir, String program, List<String> arguments, Clock clock, RecordingBounds bounds)
            throws IOException {
        return start(dir, program, arguments, clock, bounds, RecordingCompression.NONE);
    }

    /** As {@link #start(Path, String, List, Clock, RecordingBounds)}, its blocks stored with {@code compression}. */
    static Recording start(Path dir, String program, List<String> arguments, Clock clock, RecordingBounds bounds,
            RecordingCompression compression) throws IOException {
        RecordingDirectory directory = RecordingDirectory.open(dir);
        IOException unlocked = null;
        try {
            directory.lock();
        } catch (RecordingDirectory.LockedException e) {
            throw e;
        } catch (IOException e) {
            unlocked = e;
        }
        Recording recording;
        List<Path> earlier;
        try {
            earlier = directory.earlierRecording();
            RecordingClock recorded = new RecordingClock(clock);
            recording = new Recording(dir, recorded, clock, directory, new Manifest(program, List.copyOf(arguments),
                    recorded.startWallMillis(), Manifest.RECORDING, 0, null).withDirectory(dir.toString())
                    .withOutput(Manifest.OUTPUT_PER_ITERATION), bounds,
                    compression);
        } catch (IOException | RuntimeException e) {
            directory.close();
            throw e;
        }
        synchronized (recording) {
            if (unlocked != null) {
                recording.fail(new IOException("cannot lock the directory, and records nothing there: "
                        + unlocked.getMessage(), unlocked), 0);
                return recording;
            }
            if (!earlier.isEmpty()) {
                try {
                    Path moved = directory.moveAside(earlier);
                    log.warn("recording to {}: the recording that was there ({}) was moved to {}", dir,
                            describe(moved), moved);
                } catch (IOException e) {
                    recording.fail(new IOException("the recording that is there cannot be moved aside, so nothing is"
                            + " recorded over it: " + e.getMessage(), e), 0);
                    return recording;
                }
            }
            recording.ownsManifest = true;
            try {
                if (!recording.manifest.writeFirst()) {
                    recording.fail(new IOException("no room to keep " + Manifest.RESERVE + " bytes in reserve for"
                            + " the manifest (the disk is nearly full)"), 0);
                    return recording;
                }
            } catch (IOException e) {
                recording.fail(e, 0);
                return recording;
            }
        }
        log.info("recording to {}", dir);
        return recording;
    }

    /** What the manifest in {@code moved} says of its recording, for the log. */
    private static String describe(Path moved) {
        try {
            Manifest earlier = Manifest.read(moved);
            return "started " + java.time.Instant.ofEpochMilli(earlier.startedMillis()) + ", status '"
                    + earlier.status() + "'";
        } catch (IOException e) {
            return "no readable manifest";
        }
    }

    /** The clock the process's loop reads: recorded time, one reading per iteration. */
    RecordingClock clock() {
        return clock;
    }

    /** Creates the file of a stream, passive stream or source opened at {@code openSeq}; null once failed. */
    synchronized RecordWriter createFile(FileKind kind, long openSeq, String name) {
        return createFile(kind, openSeq, name, 0);
    }

    /**
     * Creates the file of a stream opened at {@code openSeq} whose transport wants inactivity probes or not, noted
     * in its header so that a replay decides as the recorded run did; null once failed.
     */
    synchronized RecordWriter createFile(long openSeq, String name, boolean needsProbes) {
        return createFile(FileKind.STREAM, openSeq, name, needsProbes ? ReplayFormat.NEEDS_PROBES_FLAG : 0);
    }

    private RecordWriter createFile(FileKind kind, long openSeq, String name, int flags) {
        if (stopped()) {
            return null;
        }
        // Without its file, the stream's opening (an accept: the event before) is not in the recording.
        long end = kind == FileKind.STREAM || kind == FileKind.PASSIVE_STREAM ? openSeq : nextSeq;
        int header = ReplayFormat.fileHeaderLength(name.getBytes(StandardCharsets.UTF_8).length);
        if (size() + header > bounds.maxBytes()) {
            truncate(bounds.sizeBound(), end);
            return null;
        }
        Path file = switch (kind) {
            case SOURCE -> ReplayFormat.sourceFile(dir, name);
            case TIME -> ReplayFormat.timeFile(dir);
            default -> ReplayFormat.streamFile(dir, openSeq, name);
        };
        try {
            RecordWriter writer = new RecordWriter(file, kind, openSeq, name, flags, buffers, compressor);
            writers.add(writer);
            files++;
            bytes += header;
            return writer;
        } catch (IOException e) {
            fail(e, end);
            return null;
        }
    }

    /**
     * Copies {@code file}, a file the process reads its starting state from, into the recording and notes it in
     * the manifest ({@link StartingFiles}). A failure to write the copy fails the recording, as any write does.
     */
    synchronized void addStartingFile(Path file) {
        if (failure != null || closed) {
            return;
        }
        try {
            Manifest.StartingFile copy = StartingFiles.copy(dir, file, manifest.current().startingFiles());
            manifest.write(manifest.current().withStartingFile(copy));
            closedBytes += Math.max(0, copy.size());
        } catch (IOException e) {
            fail(e, nextSeq);
        }
    }

    /** Notes, for the manifest, the signal that is stopping the process. */
    synchronized void stoppedBy(String signal) {
        manifest.update(manifest.current().withSignal(signal));
    }

    /** Notes, for the manifest, the stream faults put in force now (an empty spec once cleared). */
    synchronized void streamFaults(String spec, long seed) {
        if (ownsManifest && failure == null && !closed) {
            manifest.write(manifest.current().withStreamFaults(new Manifest.FaultSetting(spec, seed, nextSeq)));
        }
    }

    /** Allocates the next sequence number without writing anything. */
    synchronized long allocate() {
        if (nextSeq >= bounds.maxEvents() && !stopped()) {
            truncate(bounds.eventsBound(), nextSeq);
        }
        long seq = nextSeq++;
        if (iterationFirstSeq < 0) {
            iterationFirstSeq = seq;
        }
        return seq;
    }

    /** Records an event in {@code writer}'s file and returns its sequence number. */
    synchronized long record(RecordWriter writer, RecordType type, ByteBuffer payload) {
        long seq = allocate();
        write(writer, type, seq, payload);
        return seq;
    }

    /**
     * Writes a record with an already allocated sequence number, at the time of the loop iteration; the first of
     * the iteration is marked so, for a replay to start the iteration there.
     */
    synchronized void write(RecordWriter writer, RecordType type, long seq, ByteBuffer payload) {
        if (writer == null || stopped() || !writers.contains(writer)) {
            return;
        }
        long time = clock.iterationTime();
        long size = writer.sizeOf(seq, time, payload.remaining());
        if (size() + size > bounds.maxBytes()) {
            truncate(bounds.sizeBound(), seq);
            return;
        }
        bytes += size;
        try {
            writer.append(type, seq == iterationFirstSeq, seq, time, payload);
            inputsBuffered |= type != RecordType.SEND_OK;
        } catch (IOException e) {
            fail(e, seq);
        }
    }

    /**
     * The loop iteration ends: if it read the clock and recorded no event, a tick records the time it saw, so that
     * a replay runs an iteration there with that time. Called just before the loop blocks.
     */
    synchronized void endIteration() {
        if (clock.readThisIteration()) {
            recordIterationTime();
        }
        iterationFirstSeq = -1;
        iterationTimeWritten = false;
    }

    /** Records a tick for the iteration's time unless the iteration recorded an event already, which carries it. */
    private void recordIterationTime() {
        if (iterationFirstSeq < 0 && !stopped()) {
            if (ticks == null) {
                ticks = createFile(FileKind.TIME, 0, "time", 0);
            }
            record(ticks, RecordType.TICK, Payloads.empty());
        }
    }

    /** Closes the file of a stream that was closed. */
    synchronized void closeFile(RecordWriter writer) {
        if (writer != null && writers.contains(writer)) {
            try {
                writer.close();
                noteIndexFailure(writer);
            } catch (IOException e) {
                fail(e, nextSeq);
                return;
            }
            writers.remove(writer);
            closedBytes += writer.written();
        }
    }

    /** Writes every buffered record to its file: called when the loop is about to block. */
    synchronized void flush() {
        if (stopped()) {
            return;
        }
        for (BufferPool.Holder holder : buffers.holders()) {
            try {
                ((RecordWriter) holder).flush();
            } catch (IOException e) {
                fail(e, nextSeq);
                return;
            }
        }
        inputsBuffered = false;
        iterationTimeWritten = iterationFirstSeq >= 0;
    }

    /**
     * Writes every buffered record to its file if an input was recorded since they were last written: called before
     * the process shows something to the world (sends to a peer, connects, or changes a file a later run reads), so
     * that the world never sees what a process did on inputs its recording would lose to a {@code kill -9} (the
     * output commit rule of rollback recovery). A loop iteration may answer many requests, one after the other,
     * before it blocks.
     *
     * <p>An input is any event but a send's outcome, and the time, if the application read the clock in this loop
     * iteration: a reconnection after a backoff, a timed-out reply or an inactivity probe is decided on the clock
     * alone. The iteration's time is recorded with its first record; an iteration that recorded nothing yet records
     * a tick for it first. An iteration that shows nothing to the world writes nothing here.
     */
    synchronized void flushBeforeOutput() {
        if (clock.readByApplication() && !iterationTimeWritten && !stopped()) {
            recordIterationTime();
            flush();
        } else if (inputsBuffered) {
            flush();
        }
    }

    /**
     * Writes again a manifest that could not be written, if its time has come: called when the loop is about to
     * block.
     *
     * @return milliseconds until the next attempt, or -1 if no manifest waits to be written
     */
    synchronized long retryManifest() {
        return manifest.retry();
    }

    /** Flushes and closes everything, marks the manifest complete (or failed), releases the lock. Idempotent. */
    @Override
    public void close() {
        close(Manifest.COMPLETE, null);
    }

    /**
     * As {@link #close()}, from the JVM's shutdown hook: the application did not close its context, so the process
     * was stopped from outside; the manifest says {@code stopped}, and a replay ends where the recording ends.
     */
    void closeAtShutdown() {
        close(Manifest.STOPPED, null);
    }

    /**
     * As {@link #close()}, after the application ended on {@code error}: the manifest says {@code crashed}, with the
     * error, and a replay ends where the recording ends, saying so.
     */
    void closeAfterCrash(Throwable error) {
        close(Manifest.CRASHED, error.toString());
    }

    private synchronized void close(String status, String error) {
        if (closed) {
            return;
        }
        flush();
        for (RecordWriter writer : List.copyOf(writers)) {
            try {
                writer.close();
                noteIndexFailure(writer);
            } catch (IOException e) {
                fail(e, nextSeq);
                break;
            }
            writers.remove(writer);
            closedBytes += writer.written();
        }
        closed = true;
        if (failure == null && truncatedBy == null) {
            manifest.write(manifest.current().withEnd(status, nextSeq, error));
        }
        manifest.flush();
        try {
            directory.close();
        } catch (IOException e) {
            log.warn("{}: cannot release the recording lock: {}", dir, e.getMessage());
        }
        log.info("recording to {} ended: {} events in {} files, {} bytes", dir, events(), files, closedBytes);
    }

    synchronized IOException failure() {
        return failure;
    }

    /** The events recorded so far; once failed, those written before the failure; once truncated, its bound's. */
    synchronized long events() {
        return failure != null ? writtenEvents : truncatedBy != null ? truncatedEvents : nextSeq;
    }

    /** The bound that truncated the recording, as an option ({@code --replay-record-max-size=512M}), or null. */
    synchronized String truncatedBy() {
        return truncatedBy;
    }

    /** Whether nothing more is recorded: closed, failed or truncated. */
    private boolean stopped() {
        return closed || failure != null || truncatedBy != null;
    }

    /**
     * Stops recording at the bound {@code by}, before event {@code end}: nothing at or after it was buffered, so
     * writing out and closing every file leaves exactly the events before it. A failure to write them fails the
     * recording instead.
     */
    private void truncate(String by, long end) {
        for (RecordWriter writer : List.copyOf(writers)) {
            try {
                writer.close();
                noteIndexFailure(writer);
            } catch (IOException e) {
                fail(e, end);
                return;
            }
            writers.remove(writer);
            closedBytes += writer.written();
        }
        truncatedBy = by;
        truncatedEvents = end;
        log.warn("recording to {} reached its bound {} and stopped after {} events ({} bytes of replay files); the"
                + " process keeps running unrecorded", dir, by, end, size());
        if (ownsManifest) {
            manifest.write(manifest.current().truncatedAt(end, by));
        }
    }

    Path dir() {
        return dir;
    }

    private void noteIndexFailure(RecordWriter writer) {
        if (writer.indexFailure() != null) {
            log.warn("{}: its index could not be written ({}); its records are whole, and readers read it from its"
                    + " start", writer.file(), writer.indexFailure().getMessage());
        }
    }

    /** The replay files' bytes so far, buffered or written: at least what they will take on disk. */
    private long size() {
        return bytes - compressor.saved();
    }

    /**
     * Stops recording after {@code e}: the events written are those before {@code end} and before the first record
     * any file still buffers; nothing more is written to the files, and the manifest says {@code failed}.
     */
    private void fail(IOException e, long end) {
        if (failure != null) {
            return;
        }
        failure = e;
        writtenEvents = Math.min(end, nextSeq);
        for (RecordWriter writer : writers) {
            if (writer.firstUnwritten() >= 0) {
                writtenEvents = Math.min(writtenEvents, writer.firstUnwritten());
            }
        }
        log.error("recording to {} stopped after {} events: {}; the process keeps running unrecorded", dir,
                writtenEvents, e.getMessage());
        for (RecordWriter writer : writers) {
            writer.abandon();
            closedBytes += writer.written();
        }
        writers.clear();
        if (ownsManifest) {
            manifest.write(manifest.current().withEnd(Manifest.FAILED, writtenEvents, e.getMessage()));
        }
    }
}
