package io.streamreplay.dbserver.storage;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamreplay.jsonrpc.Json;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The record layer of Open vSwitch's standalone database file: each record is a header line
 * {@code OVSDB JSON <length> <sha1>} followed by {@code length} bytes of JSON ending in a newline, whose SHA-1 the
 * header states.
 *
 * <p>{@link #next()} reads records in order and stops at the first bad one, remembering why and where
 * ({@link #problem()}); a record is torn (what a crash during a write leaves) only when it is the last thing in the
 * file, its length running past the end with no whole line after its header. A length is checked against the size
 * of the file before anything is allocated for it. {@link #append} writes after the last good record, cutting off a
 * bad tail first; a write that fails is cut off again, as Open vSwitch's {@code ovsdb_log_write} does, so that the
 * file always ends with its last good record. {@link #discardTail} keeps a bad tail in a side file before cutting it.
 *
 * <p>Not thread-safe.
 */
final class JsonRecordFile implements AutoCloseable {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Pattern HEADER = Pattern.compile("OVSDB JSON (\\d{1,10}) ([0-9a-f]{40})");
    private static final int MAX_HEADER = 100;
    private static final byte[] NEWLINE = {'\n'};

    /** Why reading stopped before the end of the file. */
    record Problem(long offset, String reason, boolean torn) {
    }

    private final Path path;
    private final FileChannel channel;
    private final ByteBuffer readBuffer = ByteBuffer.allocate(1 << 16);
    private final MessageDigest sha1;
    private long readOffset;
    private long goodEnd;
    private long lastRecordStart;
    private Problem problem;
    private boolean tailChecked;

    private JsonRecordFile(Path path, FileChannel channel) {
        this.path = path;
        this.channel = channel;
        try {
            this.sha1 = MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is a required JDK algorithm", e);
        }
        readBuffer.limit(0);
    }

    /** Opens an existing file for reading and appending. */
    static JsonRecordFile open(Path path) throws IOException {
        return new JsonRecordFile(path, FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE));
    }

    /** Creates a new file; fails if it exists. */
    static JsonRecordFile create(Path path) throws IOException {
        return new JsonRecordFile(path, FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE,
                StandardOpenOption.CREATE_NEW));
    }

    Path path() {
        return path;
    }

    /** The next record's JSON, or null at the end of the file or at the first bad record. */
    JsonNode next() throws IOException {
        if (problem != null) {
            return null;
        }
        long start = readOffset;
        String header = readHeader();
        if (header == null) {
            return null;
        }
        Matcher matcher = HEADER.matcher(header);
        if (!matcher.matches()) {
            return stop(start, "the header line is not \"OVSDB JSON <length> <sha1>\"", false);
        }
        long length = Long.parseLong(matcher.group(1));
        long present = channel.size() - readOffset;
        if (length > present) {
            // What a crash mid-write leaves has no line end after its header: the record's own ends it.
            if (newlineFollows()) {
                return stop(start, "the record's length " + length + " runs past the end of the file, but whole"
                        + " lines follow its header", false);
            }
            return stop(start, "the record is cut short: " + length + " bytes expected, " + present + " present",
                    true);
        }
        if (length > Integer.MAX_VALUE - 8) {
            return stop(start, "the record's length " + length + " is more than a record can hold", false);
        }
        byte[] data = new byte[(int) length];
        int got = readFully(data);
        if (got < length) {
            return stop(start, "the record is cut short: " + length + " bytes expected, " + got + " present", true);
        }
        String digest = HexFormat.of().formatHex(sha1.digest(data));
        if (!digest.equals(matcher.group(2))) {
            return stop(start, "the record's SHA-1 is " + digest + " but its header says " + matcher.group(2),
                    readOffset == channel.size());
        }
        JsonNode json;
        try {
            json = MAPPER.readTree(data);
        } catch (JsonProcessingException e) {
            return stop(start, "the record is not valid JSON: " + e.getOriginalMessage(), false);
        }
        lastRecordStart = start;
        goodEnd = readOffset;
        return json;
    }

    /** Whether a line end follows in the rest of the file (read without moving on). */
    private boolean newlineFollows() throws IOException {
        ByteBuffer rest = ByteBuffer.allocate(1 << 16);
        for (long at = readOffset;; at += rest.limit()) {
            rest.clear();
            if (channel.read(rest, at) <= 0) {
                return false;
            }
            rest.flip();
            while (rest.hasRemaining()) {
                if (rest.get() == '\n') {
                    return true;
                }
            }
        }
    }

    /**
     * Makes the record {@link #next()} just returned count as not read, so that the file's good part ends before it
     * (Open vSwitch's {@code ovsdb_log_unread}): for a record that reads well but cannot be applied.
     */
    void unread() {
        goodEnd = lastRecordStart;
    }

    private JsonNode stop(long offset, String reason, boolean torn) throws IOException {
        // A bad record that ends the file is what a crash mid-write leaves; anything else is damage.
        problem = new Problem(offset, reason, torn || readOffset >= channel.size());
        return null;
    }

    private String readHeader() throws IOException {
        StringBuilder line = new StringBuilder();
        while (true) {
            if (!readBuffer.hasRemaining() && !fill()) {
                if (line.length() > 0) {
                    stop(readOffset - line.length(), "the file ends inside a header line", true);
                }
                return null;
            }
            byte b = readBuffer.get();
            readOffset++;
            if (b == '\n') {
                return line.toString();
            }
            if (line.length() >= MAX_HEADER) {
                stop(readOffset - line.length() - 1, "the header line is longer than " + MAX_HEADER + " bytes",
                        false);
                return null;
            }
            line.append((char) (b & 0xff));
        }
    }

    private int readFully(byte[] data) throws IOException {
        int got = 0;
        while (got < data.length) {
            if (!readBuffer.hasRemaining() && !fill()) {
                break;
            }
            int n = Math.min(readBuffer.remaining(), data.length - got);
            readBuffer.get(data, got, n);
            got += n;
            readOffset += n;
        }
        return got;
    }

    private boolean fill() throws IOException {
        readBuffer.clear();
        int n = channel.read(readBuffer, readOffset);
        readBuffer.flip();
        return n > 0;
    }

    /** Why reading stopped early, or null if it reached the end cleanly. */
    Problem problem() {
        return problem;
    }

    /** The offset just after the last good record. */
    long goodEnd() {
        return goodEnd;
    }

    /**
     * Copies what follows the last good record into a new file beside this one, {@code NAME.discarded-N} (N the
     * first number free), syncs it, then cuts it off this file: a bad tail is never lost, only set aside.
     *
     * @return the side file, or null if nothing follows the last good record
     * @throws IOException if the side file cannot be written; this file is then left as it was
     */
    Path discardTail() throws IOException {
        long size = channel.size();
        if (size <= goodEnd) {
            return null;
        }
        Path side;
        FileChannel out;
        for (int n = 1;; n++) {
            side = path.resolveSibling(path.getFileName() + ".discarded-" + n);
            try {
                out = FileChannel.open(side, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                break;
            } catch (FileAlreadyExistsException e) {
                // Kept from an earlier start: take the next number.
            }
        }
        try (FileChannel target = out) {
            long copied = 0;
            while (copied < size - goodEnd) {
                copied += channel.transferTo(goodEnd + copied, size - goodEnd - copied, target);
            }
            target.force(true);
        } catch (IOException e) {
            Files.deleteIfExists(side);
            throw e;
        }
        channel.truncate(goodEnd);
        channel.force(true);
        problem = null;
        return side;
    }

    /**
     * Writes {@code value} as one record after the last good one. If writing (or, with {@code sync}, syncing)
     * fails, what was written of it is cut off again, so that the file ends with its last good record; if even that
     * fails, the next append cuts it off first.
     *
     * @param sync whether to wait until it is on stable storage
     */
    void append(JsonNode value, boolean sync) throws IOException {
        if (!tailChecked) {
            // Before the first write, and after a write that could not be cut off: cut off what follows the last
            // good record.
            if (channel.size() != goodEnd) {
                channel.truncate(goodEnd);
                problem = null;
            }
            channel.position(goodEnd);
            tailChecked = true;
        }
        byte[] json = Json.toBytes(value);
        sha1.update(json);
        sha1.update((byte) '\n');
        int length = json.length + 1;
        byte[] header = ("OVSDB JSON " + length + " " + HexFormat.of().formatHex(sha1.digest()) + "\n")
                .getBytes(StandardCharsets.US_ASCII);
        ByteBuffer[] buffers = {ByteBuffer.wrap(header), ByteBuffer.wrap(json), ByteBuffer.wrap(NEWLINE)};
        try {
            while (buffers[2].hasRemaining()) {
                channel.write(buffers);
            }
            if (sync) {
                channel.force(false);
            }
        } catch (IOException e) {
            cutBack(e);
            throw e;
        }
        goodEnd += header.length + length;
    }

    /** After a failed append: removes what it wrote, as Open vSwitch does, or leaves that to the next append. */
    private void cutBack(IOException failure) {
        try {
            channel.truncate(goodEnd);
            channel.position(goodEnd);
        } catch (IOException e) {
            failure.addSuppressed(e);
            tailChecked = false;
        }
    }

    /** Waits until everything written is on stable storage. */
    void sync() throws IOException {
        channel.force(true);
    }

    /** The size of the good records: the file's size once anything has been written. */
    long size() {
        return goodEnd;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
