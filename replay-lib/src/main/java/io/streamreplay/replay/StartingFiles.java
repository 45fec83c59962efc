package io.streamreplay.replay;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The files a process reads its starting state from, such as a database: recording copies each into the
 * recording's {@value #DIR} directory and notes its size and SHA-256 digest in the manifest; a replay checks the file
 * it is given against them before anything reads it, or creates it from the copy when it does not exist. A file
 * that did not exist when recording started is noted with size -1 and no copy.
 *
 * <p>Stateless; the caller serializes calls.
 */
final class StartingFiles {

    private static final Logger log = LoggerFactory.getLogger(Replay.class);

    /** The directory, inside the recording, of the copies. */
    static final String DIR = "start";

    private static final int CHUNK = 1 << 20;

    private StartingFiles() {
    }

    /**
     * Copies {@code file} into {@code recordingDir}/{@value #DIR}, owner-only, under a name no earlier copy in
     * {@code earlier} has, and measures it on the way.
     *
     * @throws IOException if the copy cannot be written (the recording then fails)
     */
    static Manifest.StartingFile copy(Path recordingDir, Path file, List<Manifest.StartingFile> earlier)
            throws IOException {
        if (!Files.exists(file)) {
            return new Manifest.StartingFile(file.toString(), "", -1, "");
        }
        Path dir = recordingDir.resolve(DIR);
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString("rwx------")));
        }
        Set<String> taken = new HashSet<>();
        earlier.forEach(f -> taken.add(f.copy()));
        String base = file.getFileName().toString();
        String name = DIR + "/" + base;
        for (int i = 2; taken.contains(name); i++) {
            name = DIR + "/" + i + "-" + base;
        }
        Path copy = recordingDir.resolve(name);
        Measure measure;
        // Created new (never through a link); a copy that cannot be written in full is removed, not left to hold
        // space on a disk that filled up.
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ);
                FileChannel out = FileChannel.open(copy, Set.of(StandardOpenOption.CREATE_NEW,
                        StandardOpenOption.WRITE),
                        PosixFilePermissions.asFileAttribute(
                                PosixFilePermissions.fromString("rw-------")))) {
            try {
                measure = transfer(in, out);
                out.force(true);
            } catch (IOException e) {
                Files.deleteIfExists(copy);
                throw e;
            }
        }
        return new Manifest.StartingFile(file.toString(), name, measure.size(), measure.sha256());
    }

    /**
     * Checks {@code file}, the application's {@code index}-th file of starting state, against the recording in
     * {@code dir} (or creates it from the recording's copy), before the application reads it.
     *
     * @throws StartingStateException if it holds another state; it is then left untouched
     * @throws ReplayDivergenceException (through {@code failures}) if the recorded process read fewer files
     */
    static Path check(Path dir, Manifest manifest, int index, Path file, ReplayFailures failures) throws IOException {
        List<Manifest.StartingFile> recorded = manifest.startingFiles();
        if (recorded.isEmpty()) {
            if (index == 0) {
                log.info("{}: the recording holds no copy of the starting state (an earlier version made it): {}"
                        + " must be as it was when recording started", dir, file);
            }
            return file;
        }
        if (index >= recorded.size()) {
            throw failures.fail("the application reads its starting state from '" + file + "' as well, but the"
                    + " recorded process read it from " + recorded.size() + " file(s) only");
        }
        Manifest.StartingFile entry = recorded.get(index);
        if (prepare(dir, entry, file)) {
            log.info("{}: created from the recording's copy of the starting state ({}, {} bytes)", file,
                    dir.resolve(entry.copy()), entry.size());
        } else if (entry.size() >= 0) {
            log.info("{}: the state this recording started from ({} bytes, SHA-256 matches)", file, entry.size());
        }
        return file;
    }

    /**
     * Makes {@code file} hold the state {@code recorded} describes, before the replayed process reads it: a file
     * that is already that state is left as it is; a file that does not exist is created from the recording's copy
     * (checked against the digest on the way). A file that exists with other content is never touched.
     *
     * @return whether {@code file} was created from the copy
     * @throws StartingStateException if {@code file} holds another state, or the copy is missing or damaged
     * @throws IOException if the copy cannot be read or {@code file} cannot be written
     */
    static boolean prepare(Path recordingDir, Manifest.StartingFile recorded, Path file) throws IOException {
        boolean exists = Files.exists(file);
        if (recorded.size() < 0) {
            if (exists) {
                throw new StartingStateException(file + " exists, but the recording started without it (the"
                        + " recorded process created it); the replay would diverge. Move it away, or give a path"
                        + " that does not exist in its place on the command line");
            }
            return false;
        }
        if (exists) {
            Measure measure = measure(file);
            if (measure.size() != recorded.size() || !measure.sha256().equals(recorded.sha256())) {
                throw new StartingStateException(file + " is not the file this recording started from (it has "
                        + measure.size() + " bytes, SHA-256 " + shortDigest(measure.sha256()) + "; the recording"
                        + " started from " + recorded.size() + " bytes, SHA-256 " + shortDigest(recorded.sha256())
                        + "), so the replay would diverge; it was left untouched. Give a path that does not exist in"
                        + " its place on the command line, and the replay starts there from the recording's copy ("
                        + recordingDir.resolve(recorded.copy()) + ")");
            }
            return false;
        }
        Path copy = recordingDir.resolve(recorded.copy());
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null && !Files.isDirectory(parent)) {
            throw new StartingStateException("cannot create " + file + " from the recording's copy: directory "
                    + parent + " does not exist; give another path for it on the command line");
        }
        Measure copied;
        try (FileChannel in = FileChannel.open(copy, StandardOpenOption.READ);
                FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            copied = transfer(in, out);
        } catch (NoSuchFileException e) {
            if (copy.toString().equals(e.getFile())) {
                throw new StartingStateException(copy + ", the recording's copy of " + recorded.path()
                        + ", is missing: restore " + file + " as it was when the recording started");
            }
            throw e;
        } catch (FileAlreadyExistsException e) {
            throw new StartingStateException(file + " appeared while the replay was creating it; left untouched");
        }
        if (copied.size() != recorded.size() || !copied.sha256().equals(recorded.sha256())) {
            Files.delete(file);
            throw new StartingStateException(copy + ", the recording's copy of " + recorded.path() + ", is damaged"
                    + " (its size or SHA-256 is not the one the manifest holds)");
        }
        return true;
    }

    /** A file's size and SHA-256. */
    record Measure(long size, String sha256) {
    }

    static Measure measure(Path file) throws IOException {
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
            return transfer(in, null);
        }
    }

    /** Reads all of {@code in}, writing it to {@code out} unless null, and measures it. */
    private static Measure transfer(FileChannel in, FileChannel out) throws IOException {
        MessageDigest sha256 = sha256();
        long size = 0;
        ByteBuffer buffer = ByteBuffer.allocate(CHUNK);
        while (in.read(buffer) >= 0) {
            buffer.flip();
            sha256.update(buffer.duplicate());
            size += buffer.remaining();
            while (out != null && buffer.hasRemaining()) {
                out.write(buffer);
            }
            buffer.clear();
        }
        return new Measure(size, HexFormat.of().formatHex(sha256.digest()));
    }

    private static String shortDigest(String hex) {
        return hex.length() > 12 ? hex.substring(0, 12) + "..." : hex;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
