package io.streamreplay.replay;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * Reads a whole recording directory in the order its events happened, for tools that show or check a recording.
 * Files are streamed through a bounded set of shared buffers, and opened only while their events are being read,
 * so recordings of any size and with any number of streams can be read.
 *
 * <p>Damage does not stop the reading: a file whose header or record is corrupt, a file cut short, a gap or a
 * repeat in the sequence numbers, a manifest that disagrees with the files; each becomes an entry in
 * {@link #problems()} naming the file, offset and sequence number, and the reader goes on with what is readable.
 * Only a missing or foreign manifest, or a format version newer than this build's, makes {@link #open} fail.
 *
 * <p>Not thread-safe.
 */
public final class RecordingReader implements AutoCloseable {

    /** A file of the recording, as its header describes it. */
    public record RecordedFile(Path path, String kind, long openSeq, String name) {
    }

    /** A file whose next record is due: open (with a record peeked) or not yet opened (its first record). */
    private static final class Head {
        final RecordedFile file;
        RecordReader reader;
        long seq;

        Head(RecordedFile file, long firstSeq) {
            this.file = file;
            this.seq = firstSeq;
        }
    }

    private final Path dir;
    private final Manifest manifest;
    private final List<RecordedFile> files = new ArrayList<>();
    private final PriorityQueue<Head> heads = new PriorityQueue<>(Comparator.comparingLong(h -> h.seq));
    private final List<String> problems = new ArrayList<>();
    private final BufferPool buffers = BufferPool.forReading();
    private long expected;
    private long from;
    private boolean ended;

    private RecordingReader(Path dir, Manifest manifest) {
        this.dir = dir;
        this.manifest = manifest;
    }

    /**
     * Opens the recording in {@code dir}: reads its manifest and the header and first record of every file.
     *
     * @throws CorruptRecordingException if the manifest is missing, foreign, unreadable or of a newer version
     * @throws IOException if the directory cannot be listed
     */
    public static RecordingReader open(Path dir) throws IOException {
        return open(dir, 0);
    }

    /**
     * Opens the recording in {@code dir} from event {@code from} on: {@link #next()} starts there. Each file of
     * format 3 is entered through its index, where it has one (every file a recorder closed), so that the start
     * costs a few reads per file whatever the recording's size; other files are read from their start up to there,
     * through the same bounded buffers. Problems before {@code from} are not looked for.
     *
     * @throws CorruptRecordingException as {@link #open(Path)}
     * @throws IOException as {@link #open(Path)}
     */
    public static RecordingReader open(Path dir, long from) throws IOException {
        RecordingReader reader = new RecordingReader(dir, Manifest.read(dir));
        reader.from = from;
        reader.expected = from;
        RecordingIndex index = RecordingIndex.of(dir, reader.buffers);
        for (RecordingIndex.Entry entry : index.entries()) {
            RecordedFile file = new RecordedFile(entry.path(), entry.kind().label, entry.openSeq(), entry.name());
            reader.files.add(file);
            if (entry.firstSeq() >= 0 && from > 0) {
                Head head = new Head(file, entry.firstSeq());
                try (RecordReader seeking = reader.openAt(file)) {
                    ReplayRecord first = seeking.peek();
                    if (first != null) {
                        head.seq = first.seq();
                        reader.heads.add(head);
                    } else if (seeking.truncated()) {
                        reader.problems.add(cutShort(seeking.file(), seeking.cutAt()));
                    }
                } catch (CorruptRecordingException e) {
                    reader.problems.add(e.getMessage() + "; the rest of the file is skipped");
                }
            } else if (entry.firstSeq() >= 0) {
                reader.heads.add(new Head(file, entry.firstSeq()));
            } else if (entry.cutAt() >= 0) {
                reader.problems.add(cutShort(entry.path(), entry.cutAt()));
            }
        }
        for (RecordingIndex.Unreadable file : index.unreadable()) {
            reader.problems.add(file.reason().getMessage());
        }
        return reader;
    }

    /**
     * Whether a process is recording into {@code dir} now: it holds the directory's lock. Such a recording is not
     * cut short but still being written; its last events may still be in the recorder's buffers.
     */
    public static boolean isBeingWritten(Path dir) {
        Path lock = dir.resolve(ReplayFormat.LOCK);
        if (!Files.isRegularFile(lock)) {
            return false;
        }
        try (FileChannel channel = FileChannel.open(lock, StandardOpenOption.READ)) {
            FileLock shared = channel.tryLock(0, Long.MAX_VALUE, true);
            if (shared == null) {
                return true;
            }
            shared.release();
            return false;
        } catch (OverlappingFileLockException e) {
            return true; // this very process records into it
        } catch (IOException e) {
            return false;
        }
    }

    /** The recording's directory. */
    public Path directory() {
        return dir;
    }

    /** The manifest: program, arguments, start time, how the recording ended. */
    public Manifest manifest() {
        return manifest;
    }

    /** Every file whose header could be read, in name order (the order their streams were opened). */
    public List<RecordedFile> files() {
        return Collections.unmodifiableList(files);
    }

    /**
     * The next event in sequence-number order, or null once every file has been read. Damage found on the way is
     * added to {@link #problems()}; the events of the damaged part are skipped.
     *
     * @throws IOException only if a file that could be read before cannot be opened again
     */
    public RecordedEvent next() throws IOException {
        while (!heads.isEmpty()) {
            Head head = heads.poll();
            if (head.reader == null) {
                head.reader = openAt(head.file);
            }
            ReplayRecord record = peek(head);
            if (record == null) {
                continue;
            }
            head.reader.advance();
            if (peek(head) != null) {
                heads.add(head);
            }
            if (record.seq() < expected) {
                problems.add(head.file.path() + " at offset " + record.offset() + ": event #" + record.seq()
                        + " comes again (or out of order) after event #" + (expected - 1));
                continue;
            }
            if (record.seq() > expected) {
                problems.add("events #" + expected + (record.seq() - 1 > expected ? " to #" + (record.seq() - 1) : "")
                        + " are in no file (the next one found is #" + record.seq() + " in " + head.file.path()
                        + " at offset " + record.offset() + ")");
            }
            expected = record.seq() + 1;
            return new RecordedEvent(record.seq(), record.time(), record.type(), head.file.name(), head.file.path(),
                    record.offset(), record.payload(), record.startsIteration());
        }
        if (!ended) {
            ended = true;
            checkManifest();
        }
        return null;
    }

    /** Opens {@code file}'s reader at the first record from {@link #from} on. */
    private RecordReader openAt(RecordedFile file) throws IOException {
        RecordReader reader = new RecordReader(file.path(), buffers);
        if (from > 0) {
            try {
                reader.seek(from);
            } catch (IOException | RuntimeException e) {
                reader.close();
                throw e;
            }
        }
        return reader;
    }

    /** The record {@code head}'s file delivers next; null (the file closed) at its end or at damage. */
    private ReplayRecord peek(Head head) throws IOException {
        ReplayRecord record;
        try {
            record = head.reader.peek();
        } catch (CorruptRecordingException e) {
            problems.add(e.getMessage() + "; the rest of the file is skipped");
            record = null;
        }
        if (record == null) {
            checkEnd(head.reader);
            head.reader.close();
            return null;
        }
        head.seq = record.seq();
        return record;
    }

    private void checkEnd(RecordReader reader) {
        if (reader.truncated()) {
            problems.add(cutShort(reader.file(), reader.cutAt()));
        }
    }

    private static String cutShort(Path file, long offset) {
        return file + " at offset " + offset + ": the file ends inside a record (the recording was cut short)";
    }

    private void checkManifest() {
        Path file = dir.resolve(ReplayFormat.MANIFEST);
        if (!manifest.closed() && Manifest.RECORDING.equals(manifest.status()) && isBeingWritten(dir)) {
            problems.add(file + ": the recording is still being written (a running process holds its lock); what"
                    + " is read here ends at event #" + (expected - 1) + " for now");
        } else if (!manifest.closed() && !manifest.truncated()) {
            problems.add(file + ": the recording did not end cleanly (status '" + manifest.status() + "'"
                    + (manifest.error() == null ? "" : ": " + manifest.error()) + ")");
        }
        boolean nothingFrom = expected == from && from >= manifest.events();
        if ((manifest.ended() || manifest.truncated()) && manifest.events() != expected && !nothingFrom) {
            problems.add(file + ": the manifest counts " + manifest.events() + " events, but the files hold events #0"
                    + " to #" + (expected - 1));
        }
    }

    /**
     * Everything found wrong so far, one line each; complete once {@link #next()} has returned null. Empty for a
     * complete, intact recording.
     */
    public List<String> problems() {
        return Collections.unmodifiableList(problems);
    }

    /** The number of events read so far, gaps included: one more than the highest sequence number. */
    public long events() {
        return expected;
    }

    @Override
    public void close() throws IOException {
        for (Head head : heads) {
            if (head.reader != null) {
                head.reader.close();
            }
        }
        heads.clear();
    }
}
