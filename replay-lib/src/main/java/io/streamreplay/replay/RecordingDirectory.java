package io.streamreplay.replay;

import com.sun.security.auth.module.UnixSystem;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The directory a process records into, made ready for it: created owner-only if missing, checked to be safe
 * (owned by this process's user and not writable by others, so that no other user can plant links or files in it),
 * locked against a second recorder, and cleared of an earlier recording by moving that one into a numbered
 * subdirectory ({@code previous-N}) rather than deleting it.
 *
 * <p>Loop thread (start-up) only.
 */
final class RecordingDirectory implements AutoCloseable {

    /** The prefix of the subdirectories that keep earlier recordings: {@code previous-1}, {@code previous-2}, ... */
    static final String PREVIOUS = "previous-";

    private static final FileAttribute<?> OWNER_ONLY = PosixFilePermissions.asFileAttribute(
            PosixFilePermissions.fromString("rw-------"));
    private static final Pattern PREVIOUS_NAME = Pattern.compile(Pattern.quote(PREVIOUS) + "(\\d{1,9})");

    /** Another process records into the directory: a second recorder is refused. */
    static final class LockedException extends IOException {
        private static final long serialVersionUID = 1L;

        LockedException(Path dir) {
            super(dir + ": another process is recording into this directory");
        }
    }

    private final Path dir;
    private FileChannel lockChannel;
    private FileLock lock;

    private RecordingDirectory(Path dir) {
        this.dir = dir;
    }

    /**
     * Creates {@code dir} owner-only if it does not exist and checks that it is safe to record into.
     *
     * @throws IOException naming the directory if it cannot be created, is not a directory, belongs to another
     *     user, or is writable by others
     */
    static RecordingDirectory open(Path dir) throws IOException {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            Path parent = dir.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            try {
                Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(
                        PosixFilePermissions.fromString("rwx------")));
            } catch (FileAlreadyExistsException e) {
                // Created meanwhile by someone else: the checks below decide whether it may be used.
            }
        }
        checkSafe(dir);
        return new RecordingDirectory(dir);
    }

    /**
     * Locks the directory against a second recorder, creating the lock file (never through a link) if needed.
     *
     * @throws LockedException if another process records into it
     * @throws IOException if the lock file cannot be created or locked (a directory made read-only, a link there)
     */
    void lock() throws IOException {
        Path lockFile = dir.resolve(ReplayFormat.LOCK);
        FileChannel channel;
        try {
            channel = FileChannel.open(lockFile, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    LinkOption.NOFOLLOW_LINKS), OWNER_ONLY);
        } catch (FileSystemException e) {
            throw e;
        } catch (IOException e) {
            // The JDK's message for a link opened with NOFOLLOW_LINKS does not name the file.
            throw new IOException(lockFile + ": " + e.getMessage(), e);
        }
        FileLock taken;
        try {
            taken = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            taken = null;
        } catch (IOException e) {
            channel.close();
            throw e;
        }
        if (taken == null) {
            channel.close();
            throw new LockedException(dir);
        }
        lockChannel = channel;
        lock = taken;
    }

    /**
     * Refuses a directory another user could change under the recorder: one owned by another user (or reached
     * through a symbolic link owned by one), or writable by others ({@code o+w}). A directory writable by its group
     * is accepted: with a umask of 002 and a group of one's own, that is how {@code mkdir} makes them.
     */
    private static void checkSafe(Path dir) throws IOException {
        long uid = new UnixSystem().getUid();
        PosixFileAttributes link = Files.readAttributes(dir, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (link.isSymbolicLink() && ownerOf(dir, LinkOption.NOFOLLOW_LINKS) != uid) {
            throw new IOException(dir + ": refusing to record through a symbolic link owned by another user ("
                    + link.owner().getName() + ")");
        }
        PosixFileAttributes real = Files.readAttributes(dir, PosixFileAttributes.class);
        if (!real.isDirectory()) {
            throw new IOException(dir + ": not a directory");
        }
        if (ownerOf(dir) != uid) {
            throw new IOException(dir + ": refusing to record into a directory owned by another user ("
                    + real.owner().getName() + "); a recording directory must belong to the recording process's"
                    + " user");
        }
        if (real.permissions().contains(PosixFilePermission.OTHERS_WRITE)) {
            throw new IOException(dir + ": refusing to record into a directory that others can write to (mode "
                    + PosixFilePermissions.toString(real.permissions()) + "); take their write permission away"
                    + " (chmod o-w)");
        }
    }

    private static long ownerOf(Path path, LinkOption... options) throws IOException {
        return ((Number) Files.getAttribute(path, "unix:uid", options)).longValue();
    }

    /**
     * The files of an earlier recording in the directory, or an empty list if it holds none (the lock and the
     * subdirectories of earlier recordings aside).
     *
     * @throws IOException if the directory holds files but no recording: it is some other directory, and a
     *     recording must not move its files
     */
    List<Path> earlierRecording() throws IOException {
        List<Path> found = new ArrayList<>();
        boolean recording = false;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                if (name.equals(ReplayFormat.LOCK) || (PREVIOUS_NAME.matcher(name).matches()
                        && Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS))) {
                    continue;
                }
                recording |= name.equals(ReplayFormat.MANIFEST) || name.equals(ReplayFormat.MANIFEST + ".tmp")
                        || name.endsWith(ReplayFormat.SUFFIX);
                found.add(entry);
            }
        }
        if (!found.isEmpty() && !recording) {
            String names = found.stream().limit(3).map(p -> p.getFileName().toString()).sorted()
                    .collect(Collectors.joining(", "));
            throw new IOException(dir + ": the directory holds files that are not a recording's (" + names
                    + (found.size() > 3 ? ", ..." : "") + "); record into a directory of its own");
        }
        // The manifest goes last: a move cut short leaves it with the rest of its recording.
        found.sort((a, b) -> Boolean.compare(isManifest(a), isManifest(b)));
        return found;
    }

    private static boolean isManifest(Path file) {
        return file.getFileName().toString().equals(ReplayFormat.MANIFEST);
    }

    /**
     * Moves {@code files} (from {@link #earlierRecording()}) into a new subdirectory {@code previous-N}, N one more
     * than the highest there, and returns it. Renames within one directory: nothing is copied.
     */
    Path moveAside(List<Path> files) throws IOException {
        int highest = 0;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, PREVIOUS + "*")) {
            for (Path entry : entries) {
                Matcher matcher = PREVIOUS_NAME.matcher(entry.getFileName().toString());
                if (matcher.matches()) {
                    highest = Math.max(highest, Integer.parseInt(matcher.group(1)));
                }
            }
        }
        Path target;
        for (int n = highest + 1;; n++) {
            target = dir.resolve(PREVIOUS + n);
            try {
                Files.createDirectory(target, PosixFilePermissions.asFileAttribute(
                        PosixFilePermissions.fromString("rwx------")));
                break;
            } catch (FileAlreadyExistsException e) {
                // Taken meanwhile: try the next number.
            }
        }
        for (Path file : files) {
            Files.move(file, target.resolve(file.getFileName()));
        }
        return target;
    }

    /** Releases the lock and removes the lock file, if the directory was locked. */
    @Override
    public void close() throws IOException {
        if (lock == null) {
            return;
        }
        try {
            lock.release();
            lockChannel.close();
        } finally {
            lock = null;
            Files.deleteIfExists(dir.resolve(ReplayFormat.LOCK));
        }
    }
}
