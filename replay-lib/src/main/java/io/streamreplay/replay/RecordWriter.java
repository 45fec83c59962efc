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
 * Appends records to one replay file through a buffer: records reach the disk when the buffer fills and on
 * {@link #flush()}, not one system call per record.
 *
 * <p>The file is created new, readable and writable by its owner only. Not thread-safe: the {@link Recording}
 * that owns it serializes access.
 */
final class RecordWriter implements AutoCloseable {

    private static final int BUFFER = 64 * 1024;

    private final Path file;
    private final FileChannel channel;
    private final ByteBuffer buffer = ByteBuffer.allocateDirect(BUFFER);
    private final CRC32C crc = new CRC32C();
    private long written;

    /** Creates {@code file} and writes its header. */
    RecordWriter(Path file, FileKind kind, long openSeq, String name) throws IOException {
        this.file = file;
        this.channel = FileChannel.open(file, EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
        buffer.put(ReplayFormat.MAGIC)
                .putShort((short) ReplayFormat.VERSION)
                .put(kind.code)
                .put((byte) 0)
                .putLong(openSeq)
                .putShort((short) nameBytes.length)
                .put(nameBytes);
        ByteBuffer header = buffer.duplicate().flip();
        crc.reset();
        crc.update(header);
        buffer.putInt((int) crc.getValue());
    }

    Path file() {
        return file;
    }

    /** Appends a record whose payload is {@code payload} (position to limit; the buffer is not modified). */
    @SuppressWarnings("ReferenceEquality") // whether the record went to the shared buffer, not equal contents
    void append(RecordType type, long seq, long time, ByteBuffer payload) throws IOException {
        int length = payload.remaining();
        if (buffer.remaining() < ReplayFormat.RECORD_HEADER + length) {
            flush();
        }
        ByteBuffer target = buffer;
        if (buffer.remaining() < ReplayFormat.RECORD_HEADER + length) {
            target = ByteBuffer.allocate(ReplayFormat.RECORD_HEADER + length);
        }
        int start = target.position();
        crc.reset();
        crc.update(payload.duplicate());
        int payloadCrc = (int) crc.getValue();
        target.putInt(0).putInt(payloadCrc).putInt(length).put(type.code).putLong(seq).putLong(time);
        ByteBuffer header = target.duplicate();
        header.position(start + 4).limit(target.position());
        crc.reset();
        crc.update(header);
        target.putInt(start, (int) crc.getValue());
        target.put(payload.duplicate());
        if (target != buffer) {
            target.flip();
            writeFully(target);
        }
    }

    /** Appends a record with an empty payload. */
    void append(RecordType type, long seq, long time) throws IOException {
        append(type, seq, time, ByteBuffer.allocate(0));
    }

    /** Writes the buffered records to the file (to the page cache; no fsync). */
    void flush() throws IOException {
        if (buffer.position() > 0) {
            buffer.flip();
            writeFully(buffer);
            buffer.clear();
        }
    }

    /** Bytes written to the file so far. */
    long size() {
        return written + buffer.position();
    }

    private void writeFully(ByteBuffer bytes) throws IOException {
        while (bytes.hasRemaining()) {
            written += channel.write(bytes);
        }
    }

    @Override
    public void close() throws IOException {
        try {
            flush();
        } finally {
            channel.close();
        }
    }
}
