package io.streamreplay.replay;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads one replay file sequentially, a buffer at a time, never the whole file.
 *
 * <p>{@link #peek()} returns the next record without consuming it. A record whose checksum does not match, or with
 * an unknown type, is a {@link CorruptRecordingException} naming the file and offset. A file that ends in the middle
 * of a record (the recording process was killed) ends at the last whole record, with one warning. Not thread-safe.
 */
final class RecordReader implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RecordReader.class);
    private static final int BUFFER = 64 * 1024;

    private final Path file;
    private final FileChannel channel;
    private ByteBuffer buffer = ByteBuffer.allocate(BUFFER);
    private final CRC32C crc = new CRC32C();
    private final FileKind kind;
    private final long openSeq;
    private final String name;
    private long bufferOffset;
    private boolean endOfFile;
    private Record next;
    private boolean truncated;
    private long cutAt = -1;

    /** Opens {@code file} and checks its header. */
    RecordReader(Path file) throws IOException {
        this.file = file;
        this.channel = FileChannel.open(file, StandardOpenOption.READ);
        buffer.flip();
        try {
            byte[] magic = new byte[ReplayFormat.MAGIC.length];
            require(magic.length + 2 + 1 + 1 + 8 + 2, "file header");
            buffer.get(magic);
            if (!Arrays.equals(magic, ReplayFormat.MAGIC)) {
                throw new CorruptRecordingException(file, 0, "not a replay file (bad magic number)");
            }
            int version = buffer.getShort() & 0xffff;
            if (version > ReplayFormat.VERSION || version == 0) {
                throw new CorruptRecordingException(file, 8, "replay format version " + version
                        + " is not supported; this build reads version " + ReplayFormat.VERSION);
            }
            int kindCode = buffer.get();
            buffer.get();
            this.kind = FileKind.of(kindCode);
            this.openSeq = buffer.getLong();
            int nameLength = buffer.getShort() & 0xffff;
            require(nameLength + 4, "file header");
            byte[] nameBytes = new byte[nameLength];
            buffer.get(nameBytes);
            this.name = new String(nameBytes, StandardCharsets.UTF_8);
            int headerLength = buffer.position();
            crc.reset();
            crc.update(buffer.array(), 0, headerLength);
            if (buffer.getInt() != (int) crc.getValue() || kind == null) {
                throw new CorruptRecordingException(file, 0, "file header checksum mismatch");
            }
        } catch (EOFException e) {
            channel.close();
            throw CorruptRecordingException.cutShort(file);
        } catch (IOException e) {
            channel.close();
            throw e;
        }
    }

    Path file() {
        return file;
    }

    FileKind kind() {
        return kind;
    }

    /** The sequence number at which the stream was opened (0 for sources). */
    long openSeq() {
        return openSeq;
    }

    /** The stream's name as recorded. */
    String name() {
        return name;
    }

    /** Whether the file ended inside a record. */
    boolean truncated() {
        return truncated;
    }

    /** Where the torn record at the end starts, or -1 if the file ends cleanly (so far). */
    long cutAt() {
        return cutAt;
    }

    /** The next record, or null at the end of the file. */
    Record peek() throws IOException {
        if (next == null && !truncated) {
            next = read();
        }
        return next;
    }

    /** Consumes the record {@link #peek()} returned. */
    void advance() {
        next = null;
    }

    private Record read() throws IOException {
        long offset = bufferOffset + buffer.position();
        try {
            if (!fill(ReplayFormat.RECORD_HEADER)) {
                return null;
            }
            int start = buffer.position();
            crc.reset();
            crc.update(buffer.array(), start + 4, ReplayFormat.RECORD_HEADER - 4);
            if (buffer.getInt(start) != (int) crc.getValue()) {
                throw new CorruptRecordingException(file, offset, "record header checksum mismatch");
            }
            int payloadCrc = buffer.getInt(start + 4);
            int length = buffer.getInt(start + 8);
            if (length < 0 || length > ReplayFormat.MAX_PAYLOAD) {
                throw new CorruptRecordingException(file, offset, "record length " + length + " out of range");
            }
            require(ReplayFormat.RECORD_HEADER + length, "record");
            start = buffer.position();
            crc.reset();
            crc.update(buffer.array(), start + ReplayFormat.RECORD_HEADER, length);
            if (payloadCrc != (int) crc.getValue()) {
                throw new CorruptRecordingException(file, offset, "record payload checksum mismatch");
            }
            buffer.position(start + 12);
            int typeCode = buffer.get();
            RecordType type = RecordType.of(typeCode);
            if (type == null) {
                throw new CorruptRecordingException(file, offset, "unknown record type " + typeCode);
            }
            long seq = buffer.getLong();
            long time = buffer.getLong();
            byte[] payload = new byte[length];
            buffer.get(payload);
            return new Record(type, seq, time, payload, offset);
        } catch (EOFException e) {
            truncated = true;
            cutAt = offset;
            log.warn("{}: file ends inside the record at offset {} (the recording was cut short); replaying up to"
                    + " the last whole record", file, offset);
            return null;
        }
    }

    /** Ensures {@code n} bytes are buffered; false at a clean end of file, EOFException at a torn one. */
    private boolean fill(int n) throws IOException {
        if (buffer.remaining() >= n) {
            return true;
        }
        loadAtLeast(n);
        if (buffer.remaining() == 0 && endOfFile) {
            return false;
        }
        if (buffer.remaining() < n) {
            throw new EOFException();
        }
        return true;
    }

    private void require(int n, String what) throws IOException {
        if (buffer.remaining() < n) {
            loadAtLeast(n);
            if (buffer.remaining() < n) {
                throw new EOFException(what);
            }
        }
    }

    private void loadAtLeast(int n) throws IOException {
        bufferOffset += buffer.position();
        buffer.compact();
        if (buffer.capacity() < n) {
            ByteBuffer bigger = ByteBuffer.allocate(n);
            buffer.flip();
            bigger.put(buffer);
            buffer = bigger;
        }
        while (buffer.position() < n && !endOfFile) {
            if (channel.read(buffer) < 0) {
                endOfFile = true;
            }
        }
        buffer.flip();
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
