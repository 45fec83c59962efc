package io.streamreplay.replay;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Copies the intact prefix of a damaged or cut recording into a new directory, so that it replays cleanly up to
 * that point: the events from #0 up to the first one the recording does not hold whole (a record that fails its
 * checksum, a file cut short, an event in no file, an accepted stream whose file is missing). Each replay file is
 * copied up to the end of its last record before that point, byte for byte (format 3: up to its last whole block
 * before it, and the records kept of the block where it cuts written after it as a new block, stored as they are);
 * the starting files' copies are copied
 * whole; the manifest says {@code truncated} at that point, naming what was cut. The original is only read. An intact
 * recording is not copied: there is nothing to cut.
 *
 * <p>Not thread-safe; each call works on its own.
 */
public final class RecordingRepair {

    private static final FileAttribute<?> OWNER_ONLY_DIR = PosixFilePermissions.asFileAttribute(
            PosixFilePermissions.fromString("rwx------"));
    private static final FileAttribute<?> OWNER_ONLY = PosixFilePermissions.asFileAttribute(
            PosixFilePermissions.fromString("rw-------"));

    /**
     * A replay file of the original that the copy holds only in part, or not at all.
     *
     * @param file the original file
     * @param offset the byte offset at which the copy ends (the file's size in the copy); 0 for a file not copied
     * @param firstDropped the sequence number of the first record of the file left out, or -1 when no record could
     *     be read there (damage, a file cut short)
     * @param why what is wrong there, as {@code replay-tool verify} says it, or null when the file is whole and only
     *     its records from the cut on are left out
     */
    public record Cut(Path file, long offset, long firstDropped, String why) {
    }

    /**
     * What a repair did.
     *
     * @param events the events the copy holds: #0 to {@code events - 1}
     * @param files the replay files copied
     * @param cuts every file copied in part or left out, in name order
     * @param reason why the recording ends where the copy ends: the first problem found there
     * @param problems everything {@code replay-tool verify} finds wrong with the original; empty when it is intact,
     *     and then nothing was copied
     */
    public record Result(long events, int files, List<Cut> cuts, String reason, List<String> problems) {

        /** Whether a copy was made: the recording was damaged or cut. */
        public boolean copied() {
            return !problems.isEmpty();
        }
    }

    private RecordingRepair() {
    }

    /**
     * Copies the intact prefix of the recording in {@code dir} into {@code out}, which must not exist or be an empty
     * directory; it is created owner-only, as a recording directory is.
     *
     * @throws CorruptRecordingException if the recording's manifest cannot be read (nothing can be repaired without
     *     it)
     * @throws IOException if {@code out} exists and is not an empty directory, or cannot be written
     */
    public static Result repair(Path dir, Path out) throws IOException {
        checkTarget(dir, out);
        Manifest manifest = Manifest.read(dir);
        long end;
        List<String> problems;
        Map<Path, RecordingReader.RecordedFile> files = new LinkedHashMap<>();
        try (RecordingReader reader = RecordingReader.open(dir)) {
            reader.files().forEach(f -> files.put(f.path(), f));
            end = intactPrefix(reader, manifest);
            while (reader.next() != null) {
                // read to the end, for every problem
            }
            problems = List.copyOf(reader.problems());
        }
        if (problems.isEmpty()) {
            return new Result(end, 0, List.of(), null, problems);
        }
        Map<Path, Long> keep = new LinkedHashMap<>();
        Map<Path, Long> firstDropped = new LinkedHashMap<>();
        for (RecordingReader.RecordedFile file : files.values()) {
            boolean opened = FileKind.STREAM.label.equals(file.kind())
                    || FileKind.PASSIVE_STREAM.label.equals(file.kind());
            // A stream opened at or after the end is left out; a source's or the ticks' file always has a header.
            if (!opened || file.openSeq() < end) {
                keep.put(file.path(), (long) ReplayFormat.fileHeaderLength(
                        file.name().getBytes(StandardCharsets.UTF_8).length));
            }
        }
        // Format 3: whole blocks are copied; the records kept of the block where the copy ends become a new block.
        Map<Path, List<RecordedEvent>> tails = new LinkedHashMap<>();
        Map<Path, Long> tailBlock = new LinkedHashMap<>();
        Set<Path> blocked = new HashSet<>();
        for (Path path : keep.keySet()) {
            if (version(path) >= ReplayFormat.BLOCK_VERSION) {
                blocked.add(path);
            }
        }
        try (RecordingReader reader = RecordingReader.open(dir)) {
            RecordedEvent event;
            while ((event = reader.next()) != null) {
                Path file = event.file();
                if (event.seq() < end && blocked.contains(file)) {
                    if (!Long.valueOf(event.offset()).equals(tailBlock.get(file))) {
                        tailBlock.put(file, event.offset());
                        tails.put(file, new ArrayList<>());
                    }
                    tails.get(file).add(event);
                } else if (event.seq() < end) {
                    keep.put(file, event.offset() + ReplayFormat.RECORD_HEADER + event.payload().length);
                } else {
                    firstDropped.putIfAbsent(file, event.seq());
                }
            }
        }
        for (Map.Entry<Path, Long> block : tailBlock.entrySet()) {
            // A block wholly kept is copied as it is; one that goes on past the end is rewritten with what is kept.
            long blockEnd = blockEnd(block.getKey(), block.getValue());
            if (blockEnd <= recordsEnd(block.getKey()) && !firstDropped.containsKey(block.getKey())
                    && problemOf(block.getKey(), problems) == null) {
                keep.put(block.getKey(), blockEnd);
                tails.remove(block.getKey());
            } else {
                keep.put(block.getKey(), block.getValue());
            }
        }
        List<Cut> cuts = new ArrayList<>();
        List<Path> originals = replayFiles(dir);
        for (Path original : originals) {
            long size = blocked.contains(original) ? recordsEnd(original) : Files.size(original);
            Long kept = keep.get(original);
            long copied = kept == null ? 0 : kept;
            List<RecordedEvent> tail = tails.get(original);
            long rewritten = tail == null ? 0 : BlockFormat.rawBlock(tail).remaining();
            if (copied < size) {
                cuts.add(new Cut(original, copied + rewritten, firstDropped.getOrDefault(original, -1L),
                        problemOf(original, problems)));
            }
        }
        String reason = reasonAt(end, manifest, cuts, problems);
        Files.createDirectories(out.toAbsolutePath().getParent());
        if (!Files.isDirectory(out)) {
            Files.createDirectory(out, OWNER_ONLY_DIR);
        }
        for (Map.Entry<Path, Long> file : keep.entrySet()) {
            Path copy = out.resolve(file.getKey().getFileName());
            copyPrefix(file.getKey(), copy, file.getValue());
            List<RecordedEvent> tail = tails.get(file.getKey());
            if (tail != null) {
                try (FileChannel target = FileChannel.open(copy, StandardOpenOption.WRITE,
                        StandardOpenOption.APPEND)) {
                    ByteBuffer block = BlockFormat.rawBlock(tail);
                    while (block.hasRemaining()) {
                        target.write(block);
                    }
                }
            }
        }
        copyStartingFiles(dir, out, manifest);
        manifest.truncatedAt(end, "replay-tool verify --repair of " + dir + " (status '" + manifest.status()
                + "'): " + reason).write(out);
        Files.deleteIfExists(out.resolve(ReplayFormat.MANIFEST + ".tmp"));
        return new Result(end, keep.size(), List.copyOf(cuts), reason, problems);
    }

    private static void checkTarget(Path dir, Path out) throws IOException {
        if (Files.exists(out, LinkOption.NOFOLLOW_LINKS)) {
            if (!Files.isDirectory(out, LinkOption.NOFOLLOW_LINKS)) {
                throw new IOException(out + " exists and is not a directory; give a new directory for the copy");
            }
            try (DirectoryStream<Path> listing = Files.newDirectoryStream(out)) {
                if (listing.iterator().hasNext()) {
                    throw new IOException(out + " is not empty; give a new directory for the copy (nothing was"
                            + " written)");
                }
            }
        }
        if (out.toAbsolutePath().normalize().startsWith(dir.toAbsolutePath().normalize())) {
            throw new IOException(out + " is inside the recording " + dir + ", which a repair never changes; give a"
                    + " directory outside it");
        }
    }

    /**
     * The first event the recording does not hold whole, reading {@code reader} up to it: the first missing from
     * the sequence, an accept whose stream's file is missing or unreadable, or the count a failed or truncated
     * manifest gives.
     */
    private static long intactPrefix(RecordingReader reader, Manifest manifest) throws IOException {
        Set<Long> streamFiles = new HashSet<>();
        for (RecordingReader.RecordedFile file : reader.files()) {
            if (FileKind.STREAM.label.equals(file.kind())) {
                streamFiles.add(file.openSeq());
            }
        }
        long limit = Manifest.FAILED.equals(manifest.status()) || manifest.truncated() ? manifest.events()
                : Long.MAX_VALUE;
        long next = 0;
        RecordedEvent event;
        while (next < limit && (event = reader.next()) != null) {
            boolean fileMissing = event.type() == RecordType.ACCEPT_OK && !streamFiles.contains(event.seq());
            if (event.seq() != next || fileMissing) {
                break;
            }
            next++;
        }
        return next;
    }

    /** The first problem that names {@code file}, or null. */
    private static String problemOf(Path file, List<String> problems) {
        for (String problem : problems) {
            if (problem.startsWith(file.toString())) {
                return problem;
            }
        }
        return null;
    }

    /** Why the copy ends at {@code end}: the problem of the file cut there, or the first problem found. */
    private static String reasonAt(long end, Manifest manifest, List<Cut> cuts, List<String> problems) {
        for (Cut cut : cuts) {
            if (cut.why() != null && (cut.firstDropped() < 0 || cut.firstDropped() == end)) {
                return cut.why();
            }
        }
        for (String problem : problems) {
            if (problem.contains("#" + end + " ") || problem.contains("#" + end + ")")) {
                return problem;
            }
        }
        return problems.isEmpty() ? "the original ends there (status '" + manifest.status() + "')" : problems.get(0);
    }

    /** The format version of the replay file {@code file}, from its header. */
    private static int version(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer version = ByteBuffer.allocate(2);
            channel.read(version, ReplayFormat.MAGIC.length);
            return version.hasRemaining() ? 0 : version.getShort(0) & 0xffff;
        }
    }

    /** The offset just after the block at {@code offset} of {@code file} (format 3), read from its head. */
    private static long blockEnd(Path file, long offset) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer head = ByteBuffer.allocate(4);
            channel.read(head, offset);
            return offset + BlockFormat.FRAME + (head.getInt(0) & BlockFormat.LENGTH_MASK);
        }
    }

    /**
     * The end of the last block of records of {@code file} (format 3): its size, less the index a recorder writes
     * after the last block when it closes the file. The copy leaves the index out: a reader does without.
     */
    private static long recordsEnd(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            ByteBuffer tail = ByteBuffer.allocate(4);
            channel.read(tail, size - 4);
            int word = tail.getInt(0);
            long start = size - BlockFormat.FRAME - (word & BlockFormat.LENGTH_MASK);
            if (tail.hasRemaining() || (word >>> 28) != BlockFormat.INDEX || start < 0) {
                return size;
            }
            ByteBuffer head = ByteBuffer.allocate(4);
            channel.read(head, start);
            return head.getInt(0) == word ? start : size;
        }
    }

    private static List<Path> replayFiles(Path dir) throws IOException {
        List<Path> paths = new ArrayList<>();
        try (DirectoryStream<Path> listing = Files.newDirectoryStream(dir, "*" + ReplayFormat.SUFFIX)) {
            listing.forEach(paths::add);
        }
        paths.sort(null);
        return paths;
    }

    private static void copyPrefix(Path from, Path to, long length) throws IOException {
        try (FileChannel source = FileChannel.open(from, StandardOpenOption.READ);
                FileChannel target = FileChannel.open(to, EnumSet.of(StandardOpenOption.CREATE_NEW,
                        StandardOpenOption.WRITE), OWNER_ONLY)) {
            long position = 0;
            while (position < length) {
                long n = source.transferTo(position, length - position, target);
                if (n <= 0) {
                    throw new IOException(from + " changed while it was copied (it has fewer than " + length
                            + " bytes now)");
                }
                position += n;
            }
        }
    }

    /** Copies the starting files' copies, whole: a replay checks their digests against the manifest. */
    private static void copyStartingFiles(Path dir, Path out, Manifest manifest) throws IOException {
        for (Manifest.StartingFile file : manifest.startingFiles()) {
            if (file.size() < 0 || file.copy() == null || file.copy().isEmpty()) {
                continue;
            }
            Path from = dir.resolve(file.copy()).normalize();
            Path to = out.resolve(file.copy()).normalize();
            if (!from.startsWith(dir.normalize()) || !to.startsWith(out.normalize()) || !Files.isRegularFile(from)) {
                continue;
            }
            if (!Files.isDirectory(to.getParent())) {
                Files.createDirectories(to.getParent(), OWNER_ONLY_DIR);
            }
            copyPrefix(from, to, Files.size(from));
        }
    }
}
