package io.streamreplay.replay;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The files of a recording directory, as their headers and first records describe them: read once, at the start of a
 * replay or of a tool's reading, and shared by both, so that they agree on what a recording holds.
 *
 * <p>A file that cannot be read is not an error here: it is listed in {@link #unreadable()} with the reason, and the
 * caller decides (a replay ends where a file cut in its header was opened; a tool reports it). Immutable once built.
 */
final class RecordingIndex {

    /**
     * One readable file.
     *
     * @param firstSeq the sequence number of its first record, or -1 if it holds none
     * @param firstTime the recorded time of its first record (nanoseconds since the recording started), or 0
     * @param firstStartsIteration whether its first record is the first of a loop iteration (format 2)
     * @param cutAt the offset at which the file ends inside its first record, or -1
     * @param version the format version the file was written in
     */
    record Entry(Path path, FileKind kind, long openSeq, String name, long firstSeq, long firstTime,
            boolean firstStartsIteration, long cutAt, int version) {

        /** Whether the file's first record is the stream's opening (a source's first value counts as one). */
        boolean startsWithItsOpening() {
            return firstSeq >= 0 && (kind == FileKind.SOURCE || kind == FileKind.TIME || firstSeq == openSeq);
        }
    }

    /** A file whose header cannot be read, and why. */
    record Unreadable(Path path, CorruptRecordingException reason) {
    }

    private final List<Entry> entries;
    private final List<Unreadable> unreadable;

    private RecordingIndex(List<Entry> entries, List<Unreadable> unreadable) {
        this.entries = Collections.unmodifiableList(entries);
        this.unreadable = Collections.unmodifiableList(unreadable);
    }

    /**
     * Reads the header and first record of every replay file in {@code dir}, in name order (the order their streams
     * were opened), through {@code buffers}.
     *
     * @throws IOException if the directory cannot be listed, or a file cannot be opened at all
     */
    static RecordingIndex of(Path dir, BufferPool buffers) throws IOException {
        List<Path> paths = new ArrayList<>();
        try (DirectoryStream<Path> listing = Files.newDirectoryStream(dir, "*" + ReplayFormat.SUFFIX)) {
            listing.forEach(paths::add);
        }
        Collections.sort(paths);
        List<Entry> entries = new ArrayList<>();
        List<Unreadable> unreadable = new ArrayList<>();
        for (Path path : paths) {
            try (RecordReader reader = new RecordReader(path, buffers)) {
                ReplayRecord first = reader.peek();
                entries.add(new Entry(path, reader.kind(), reader.openSeq(), reader.name(),
                        first == null ? -1 : first.seq(), first == null ? 0 : first.time(),
                        first != null && first.startsIteration(), first == null && reader.truncated() ? reader.cutAt()
                                : -1,
                        reader.version()));
            } catch (CorruptRecordingException e) {
                unreadable.add(new Unreadable(path, e));
            }
        }
        return new RecordingIndex(entries, unreadable);
    }

    /** The readable files, in name order. */
    List<Entry> entries() {
        return entries;
    }

    /**
     * Whether the recording records time (format 2 or later): every file of it does; a recording of an earlier
     * version, or one without any readable file, does not.
     */
    boolean recordsTime() {
        return !entries.isEmpty() && entries.stream().allMatch(e -> e.version() >= ReplayFormat.TIME_VERSION);
    }

    /** The files whose header, or first record, could not be read. */
    List<Unreadable> unreadable() {
        return unreadable;
    }
}
