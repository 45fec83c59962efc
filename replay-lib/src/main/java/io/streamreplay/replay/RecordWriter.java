package io.streamreplay.replay;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.zip.CRC32C;

/**
 * Appends records to one replay file through a buffer lent by the recording's {@link BufferPool}: records reach the
 * disk when the buffer fills, when the pool reclaims it and on {@link #flush()}, not one system call per record. A
 * record larger than a buffer is written straight from its payload.
 *
 * <p>The file is created new ({@code O_EXCL}, so never through a symbolic link), readable and writable by its owner
 * only. The writer knows the sequence number of the first record it has not written yet, so that a recording that
 * fails can tell which events reached their files. Not thread-safe: the {@link Recording} that owns it serializes
 * access.
 */
final class RecordWriter implements AutoCloseable, BufferPool.Holder {

    private final Path file;
    private final FileChannel channel;
    private final BufferPool pool;
    private final CRC32C crc = new CRC32C();
    private ByteBuffer buffer;
    private long firstUnwritten = -1;
    private long written;

    /** Creates {@code file} and buffers its header; {@code flags} are the header's ({@code ReplayFormat.*_FLAG}). */
    RecordWriter(Path file, FileKind kind, long openSeq, String name, int flags, BufferPool pool) throws IOException {
        this.file = file;
        this.pool = pool;
        this.channel = FileChannel.open(file, EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
        ByteBuffer header = ByteBuffer.allocate(ReplayFormat.fileHeaderLength(nameBytes.length));
        header.put(ReplayFormat.MAGIC)
                .putShort((short) ReplayFormat.VERSION)
                .put(kind.code)
                .put((byte) flags)
                .putLong(openSeq)
                .putShort((short) nameBytes.length)
                .put(nameBytes);
        crc.reset();
        crc.update(header.array(), 0, header.position());
        header.putInt((int) crc.getValue()).flip();
        if (header.remaining() > BufferPool.BUFFER_SIZE) {
            writeFully(header);
        } else {
            take(header.remaining()).put(header);
        }
    }

    Path file() {
        return file;
    }

    /** Appends a record whose payload is {@code payload} (position to limit; the buffer is not modified). */
    void append(RecordType type, long seq, long time, ByteBuffer payload) throws IOException {
        append(type, false, seq, time, payload);
    }

    /**
     * Appends a record whose payload is {@code payload} (position to limit; the buffer is not modified), marked as
     * the first of its loop iteration if {@code startsIteration}.
     */
    void append(RecordType type, boolean startsIteration, long seq, long time, ByteBuffer payload)
            throws IOException {
        byte code = (byte) (startsIteration ? type.code | ReplayFormat.ITERATION_FLAG : type.code);
        int length = payload.remaining();
        crc.reset();
        crc.update(payload.duplicate());
        int payloadCrc = (int) crc.getValue();
        if (ReplayFormat.RECORD_HEADER + length > BufferPool.BUFFER_SIZE) {
            writeOut();
            firstUnwritten = seq;
            ByteBuffer header = ByteBuffer.allocate(ReplayFormat.RECORD_HEADER);
            putHeader(header, payloadCrc, length, code, seq, time);
            ByteBuffer[] record = {header.flip(), payload.duplicate()};
            while (record[1].hasRemaining()) {
                written += channel.write(record);
            }
            firstUnwritten = -1;
            return;
        }
        ByteBuffer target = take(ReplayFormat.RECORD_HEADER + length);
        if (firstUnwritten < 0) {
            firstUnwritten = seq;
        }
        putHeader(target, payloadCrc, length, code, seq, time);
        target.put(payload.duplicate());
    }

    /** Puts a record header at {@code target}'s position, its checksum covering the 25 bytes after it. */
    private void putHeader(ByteBuffer target, int payloadCrc, int length, byte code, long seq, long time) {
        int start = target.position();
        target.putInt(0).putInt(payloadCrc).putInt(length).put(code).putLong(seq).putLong(time);
        ByteBuffer covered = target.duplicate();
        covered.position(start + 4).limit(target.position());
        crc.reset();
        crc.update(covered);
        target.putInt(start, (int) crc.getValue());
    }

    /** Appends a record with an empty payload. */
    void append(RecordType type, long seq, long time) throws IOException {
        append(type, seq, time, ByteBuffer.allocate(0));
    }

    /**
     * The buffer, with room for {@code n} more bytes: taken from the pool, or written out first if full. (The pool
     * is not told of every use: writers give their buffers back each time the loop blocks, so the order in which
     * they took them is recent enough.)
     */
    private ByteBuffer take(int n) throws IOException {
        if (buffer == null) {
            buffer = pool.acquire(this);
        } else if (buffer.remaining() < n) {
            writeOut();
            pool.touch(this);
        }
        return buffer;
    }

    /** Writes what is buffered to the file (to the page cache; no fsync) and gives the buffer back to the pool. */
    void flush() throws IOException {
        try {
            writeOut();
        } finally {
            buffer = null;
            pool.release(this);
        }
    }

    @Override
    public void reclaim() throws IOException {
        try {
            writeOut();
        } finally {
            buffer = null;
        }
    }

    private void writeOut() throws IOException {
        if (buffer != null && buffer.position() > 0) {
            buffer.flip();
            writeFully(buffer);
            buffer.clear();
        }
        firstUnwritten = -1;
    }

    /**
     * The sequence number of the first record appended but not yet written to the file (it, and every later one,
     * may be lost if writing fails), or -1 if every record appended is written.
     */
    long firstUnwritten() {
        return firstUnwritten;
    }

    /** Bytes written to the file so far. */
    long written() {
        return written;
    }

    private void writeFully(ByteBuffer bytes) throws IOException {
        while (bytes.hasRemaining()) {
            written += channel.write(bytes);
        }
    }

    /** Writes what is buffered and closes the file. */
    @Override
    public void close() throws IOException {
        try {
            flush();
        } finally {
            channel.close();
        }
    }

    /** Closes the file without writing what is buffered: after a failure, when nothing more is written. */
    void abandon() {
        buffer = null;
        pool.release(this);
        try {
            channel.close();
        } catch (IOException e) {
            // The recording has already failed, with the error that matters.
        }
    }
}
