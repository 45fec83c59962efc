package io.streamreplay.replay;

import io.streamreplay.poll.Clock;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The state of a process that records: the directory and its lock, the process-wide sequence counter, the open
 * replay files, the manifest.
 *
 * <p>Failure policy: if writing fails (disk full, I/O error), the recording logs one error, marks the manifest
 * {@code failed}, closes its files and records nothing more; the application keeps running undisturbed.
 *
 * <p>Threading: used from the loop thread, and from a shutdown hook when the process exits; every method is
 * synchronized so the hook's final flush cannot interleave with a record being written.
 */
final class Recording implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Recording.class);

    private final Path dir;
    private final Clock clock;
    private final long startNanos;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final Set<RecordWriter> writers = new LinkedHashSet<>();
    private Manifest manifest;
    private long nextSeq;
    private long bytes;
    private int files;
    private IOException failure;
    private boolean closed;

    private Recording(Path dir, Clock clock, FileChannel lockChannel, FileLock lock, Manifest manifest) {
        this.dir = dir;
        this.clock = clock;
        this.startNanos = clock.nanoTime();
        this.lockChannel = lockChannel;
        this.lock = lock;
        this.manifest = manifest;
    }

    /**
     * Starts recording into {@code dir}: creates it owner-only if needed, takes its lock, removes the files of an
     * earlier recording there, writes the manifest.
     *
     * @throws IOException if the directory cannot be used or another process is recording into it
     */
    static Recording start(Path dir, String program, List<String> arguments, Clock clock) throws IOException {
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString("rwx------")));
        }
        FileChannel lockChannel = FileChannel.open(dir.resolve(ReplayFormat.LOCK), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = lockChannel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        }
        if (lock == null) {
            lockChannel.close();
            throw new IOException(dir + ": another process is recording into this directory");
        }
        try (DirectoryStream<Path> old = Files.newDirectoryStream(dir, "*" + ReplayFormat.SUFFIX)) {
            for (Path file : old) {
                Files.delete(file);
            }
        }
        Manifest manifest = new Manifest(program, List.copyOf(arguments), clock.wallMillis(), Manifest.RECORDING,
                0, null).withDirectory(dir.toString());
        manifest.write(dir);
        log.info("recording to {}", dir);
        return new Recording(dir, clock, lockChannel, lock, manifest);
    }

    /** Creates the file of a stream, passive stream or source opened at {@code openSeq}; null once failed. */
    synchronized RecordWriter createFile(FileKind kind, long openSeq, String name) {
        if (failure != null || closed) {
            return null;
        }
        Path file = kind == FileKind.SOURCE ? ReplayFormat.sourceFile(dir, name)
                : ReplayFormat.streamFile(dir, openSeq, name);
        try {
            RecordWriter writer = new RecordWriter(file, kind, openSeq, name);
            writers.add(writer);
            files++;
            return writer;
        } catch (IOException e) {
            fail(e);
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
            Manifest.StartingFile copy = StartingFiles.copy(dir, file, manifest.startingFiles());
            manifest = manifest.withStartingFile(copy);
            manifest.write(dir);
            bytes += Math.max(0, copy.size());
        } catch (IOException e) {
            fail(e);
        }
    }

    /** Notes, for the manifest, the signal that is stopping the process. */
    synchronized void stoppedBy(String signal) {
        manifest = manifest.withSignal(signal);
    }

    /** Allocates the next sequence number without writing anything. */
    synchronized long allocate() {
        return nextSeq++;
    }

    /** Records an event in {@code writer}'s file and returns its sequence number. */
    synchronized long record(RecordWriter writer, RecordType type, ByteBuffer payload) {
        long seq = nextSeq++;
        write(writer, type, seq, payload);
        return seq;
    }

    /** Writes a record with an already allocated sequence number. */
    synchronized void write(RecordWriter writer, RecordType type, long seq, ByteBuffer payload) {
        if (writer == null || failure != null || !writers.contains(writer)) {
            return;
        }
        try {
            writer.append(type, seq, clock.nanoTime() - startNanos, payload);
            bytes += ReplayFormat.RECORD_HEADER + payload.remaining();
        } catch (IOException e) {
            fail(e);
        }
    }

    /** Closes the file of a stream that was closed. */
    synchronized void closeFile(RecordWriter writer) {
        if (writer != null && writers.remove(writer)) {
            try {
                writer.close();
            } catch (IOException e) {
                fail(e);
            }
        }
    }

    /** Writes every buffered record to its file: called when the loop is about to block. */
    synchronized void flush() {
        if (failure != null) {
            return;
        }
        for (RecordWriter writer : writers) {
            try {
                writer.flush();
            } catch (IOException e) {
                fail(e);
                return;
            }
        }
    }

    /** Flushes and closes everything, marks the manifest complete (or failed), releases the lock. Idempotent. */
    @Override
    public void close() {
        close(Manifest.COMPLETE);
    }

    /**
     * As {@link #close()}, from the JVM's shutdown hook: the application did not close its context, so the process
     * was stopped from outside; the manifest says {@code stopped}, and a replay ends where the recording ends.
     */
    void closeAtShutdown() {
        close(Manifest.STOPPED);
    }

    private synchronized void close(String status) {
        if (closed) {
            return;
        }
        flush();
        for (RecordWriter writer : writers) {
            try {
                writer.close();
            } catch (IOException e) {
                fail(e);
            }
        }
        writers.clear();
        closed = true;
        if (failure == null) {
            // After a failure the manifest already says so; writing it again could only fail again.
            try {
                manifest = manifest.withEnd(status, nextSeq, null);
                manifest.write(dir);
            } catch (IOException e) {
                log.error("{}: cannot write the manifest: {}", dir, e.getMessage());
            }
        }
        try {
            lock.release();
            lockChannel.close();
            Files.deleteIfExists(dir.resolve(ReplayFormat.LOCK));
        } catch (IOException e) {
            log.warn("{}: cannot release the recording lock: {}", dir, e.getMessage());
        }
        log.info("recording to {} ended: {} events in {} files, {} bytes", dir, nextSeq, files, bytes);
    }

    synchronized IOException failure() {
        return failure;
    }

    synchronized long events() {
        return nextSeq;
    }

    Path dir() {
        return dir;
    }

    private void fail(IOException e) {
        if (failure != null) {
            return;
        }
        failure = e;
        log.error("recording to {} stopped after {} events: {}; the process keeps running unrecorded", dir,
                nextSeq, e.getMessage());
        for (RecordWriter writer : writers) {
            try {
                writer.close();
            } catch (IOException ignored) {
                // The recording is already marked failed; the first error is the one reported.
            }
        }
        writers.clear();
        try {
            manifest = manifest.withEnd(Manifest.FAILED, nextSeq, e.getMessage());
            manifest.write(dir);
        } catch (IOException second) {
            log.error("{}: cannot mark the manifest failed: {}", dir, second.getMessage());
        }
    }
}
