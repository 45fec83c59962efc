package io.streamreplay.dbserver;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;
import org.slf4j.LoggerFactory;

/**
 * The server's pid file, written as Open vSwitch's daemons write theirs ({@code make_pidfile} in
 * {@code lib/daemon-unix.c}): the process id goes into a temporary file {@code PATH.tmpPID}, created new (so never
 * through a symbolic link) and locked, which is then renamed over {@code PATH}. Whatever {@code PATH} was (a stale
 * file, a symbolic link planted by someone else) is replaced, never written through. The lock ({@code fcntl}) is
 * held while the server runs, so a second server given the same pid file is refused; at exit the file is removed
 * if it is still this server's.
 *
 * <p>Created on the main thread; closed there or from a shutdown hook, whichever comes first.
 */
final class PidFile implements AutoCloseable {

    private final Path path;
    private final FileChannel channel;
    private final FileLock lock;
    private final Object fileKey;

    private PidFile(Path path, FileChannel channel, FileLock lock, Object fileKey) {
        this.path = path;
        this.channel = channel;
        this.lock = lock;
        this.fileKey = fileKey;
    }

    /**
     * Writes this process's id to {@code path}.
     *
     * @throws IOException if another running server holds {@code path}, or it cannot be written
     */
    static PidFile create(Path path) throws IOException {
        refuseIfLocked(path);
        long pid = ProcessHandle.current().pid();
        Path temporary = path.resolveSibling(path.getFileName() + ".tmp" + pid);
        // A leftover of an earlier process that had this pid; removing a link removes the link only.
        Files.deleteIfExists(temporary);
        FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        try {
            FileLock lock = channel.tryLock();
            if (lock == null) {
                throw new IOException(temporary + ": cannot lock the new pid file");
            }
            ByteBuffer text = ByteBuffer.wrap((pid + "\n").getBytes(StandardCharsets.US_ASCII));
            while (text.hasRemaining()) {
                channel.write(text);
            }
            Object key = Files.readAttributes(temporary, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
                    .fileKey();
            Files.move(temporary, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return new PidFile(path, channel, lock, key);
        } catch (IOException | RuntimeException e) {
            channel.close();
            Files.deleteIfExists(temporary);
            throw e;
        }
    }

    /** Refuses a pid file that another running process holds locked. */
    private static void refuseIfLocked(Path path) throws IOException {
        if (!Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)) {
            // Missing, or a symbolic link (or something else) that no server holds: it will be replaced.
            return;
        }
        try (FileChannel file = FileChannel.open(path, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            FileLock shared;
            try {
                shared = file.tryLock(0, Long.MAX_VALUE, true);
            } catch (OverlappingFileLockException e) {
                shared = null;
            }
            if (shared == null) {
                String pid = new String(Files.readAllBytes(path), StandardCharsets.US_ASCII).trim();
                throw new IOException(path + ": the pid file is locked by another running server (pid " + pid
                        + ")");
            }
            shared.release();
        } catch (NoSuchFileException e) {
            // Removed meanwhile.
        }
    }

    /** Removes the pid file if it is still this server's, and releases the lock. Idempotent. */
    @Override
    public synchronized void close() throws IOException {
        if (!channel.isOpen()) {
            return;
        }
        try {
            Object key = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
            if (Objects.equals(key, fileKey)) {
                Files.delete(path);
            }
        } catch (NoSuchFileException e) {
            // Already removed by someone else.
        } finally {
            lock.release();
            channel.close();
        }
    }

    /**
     * As {@link #close()}, logging a failure instead of throwing it: for the end of the run and for a shutdown hook
     * (a signal), whichever comes first. Any thread.
     */
    void closeQuietly() {
        try {
            close();
        } catch (IOException e) {
            LoggerFactory.getLogger(PidFile.class).warn("{}: {}", path, e.toString());
        }
    }
}
