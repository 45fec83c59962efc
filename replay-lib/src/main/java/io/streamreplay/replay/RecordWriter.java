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
 * Appends records to one replay file (format {@value ReplayFormat#VERSION}) through a buffer lent by the recording's
 * {@link BufferPool}: records are gathered into a block ({@link BlockFormat}) in the buffer, and each time the buffer
 * is written out (when it fills, when the pool reclaims it and on {@link #flush()}) its records become one block,
 * compressed or not ({@link BlockCompressor}), written in one system call. A record too large for a buffer is a
 * block of its own, written straight from its payload, uncompressed.
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
    private final BlockCompressor compressor;
    private final CRC32C crc = new CRC32C();
    /** The block being gathered, its head's room at 0; null while the pool holds the buffer. */
    private ByteBuffer buffer;
    /** The sequence number and time of the block's last record, or -1 while it has none. */
    private long lastSeq = -1;
    private long lastTime;
    /** The sequence number and time of the block's first record. */
    private long firstSeq;
    private long firstTime;
    /** The index ({@link BlockFormat#INDEX}) so far: offset, sequence number and time of blocks, in turn. */
    private long[] index = new long[3 * 16];
    private int indexed;
    private long nextIndexed;
    /** Why the index could not be written at close, or null. */
    private IOException indexFailure;
    /** Bytes of the header and the blocks written, as if stored uncompressed: what the index is spaced by. */
    private long rawWritten;
    /** Bytes of the header and blocks so far, as if stored uncompressed: what the index's room is counted from. */
    private long footprint;
    private final int headerLength;
    private long firstUnwritten = -1;
    private long written;

    /** Creates {@code file} and writes its header; {@code flags} are the header's ({@code ReplayFormat.*_FLAG}). */
    RecordWriter(Path file, FileKind kind, long openSeq, String name, int flags, BufferPool pool) throws IOException {
        this(file, kind, openSeq, name, flags, pool, new BlockCompressor(RecordingCompression.NONE));
    }

    /** As the other constructor, its blocks compressed by {@code compressor}. */
    RecordWriter(Path file, FileKind kind, long openSeq, String name, int flags, BufferPool pool,
            BlockCompressor compressor) throws IOException {
        this.file = file;
        this.pool = pool;
        this.compressor = compressor;
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
        headerLength = header.remaining();
        footprint = headerLength;
        rawWritten = headerLength;
        // The header is written at once: a file is never a block without its header.
        try {
            writeFully(header);
        } catch (IOException e) {
            channel.close();
            throw e;
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
     * The bytes the file grows by, at most, when a record of {@code length} bytes with {@code seq} and {@code time}
     * is appended now: its header and payload, a block's framing if it starts one, and the room its index (written
     * at close) needs more for it. Exact unless the block is compressed, which only makes it smaller.
     */
    long sizeOf(long seq, long time, int length) {
        long record = recordSize(seq, time, length);
        return record + indexRoom(footprint + record) - indexRoom(footprint);
    }

    /** The bytes of header, payload and (if it starts a block) framing of a record appended now. */
    private long recordSize(long seq, long time, int length) {
        int first = firstHeaderLength(seq, time, length) + length + BlockFormat.FRAME;
        if (alone(length) || lastSeq < 0) {
            return first;
        }
        int record = recordHeaderLength(seq, time, length) + length;
        return buffer.remaining() < record + BlockFormat.FRAME - 4 ? first : record;
    }

    /**
     * The most bytes the index takes for a file of {@code bytes} bytes of header and blocks: one entry per
     * {@link BlockFormat#INDEX_SPACING} bytes and one more, framed; none for a file without records.
     */
    private long indexRoom(long bytes) {
        return bytes <= headerLength ? 0
                : BlockFormat.FRAME + BlockFormat.INDEX_ENTRY * (1 + bytes / BlockFormat.INDEX_SPACING);
    }

    /** Whether a record of {@code length} bytes is too large for a buffer, and is a block of its own. */
    private static boolean alone(int length) {
        return BlockFormat.FRAME + BlockFormat.MAX_RECORD_HEADER + length > BufferPool.BUFFER_SIZE;
    }

    private static int firstHeaderLength(long seq, long time, int length) {
        return 1 + BlockFormat.varintLength(seq) + BlockFormat.varintLength(time) + BlockFormat.varintLength(length);
    }

    /** The header's length of a record appended to the current block (the first of a new one if it has none). */
    private int recordHeaderLength(long seq, long time, int length) {
        if (lastSeq < 0) {
            return firstHeaderLength(seq, time, length);
        }
        return 1 + BlockFormat.varintLength(seq - lastSeq - 1) + BlockFormat.varintLength(
                BlockFormat.zigzag(time - lastTime)) + BlockFormat.varintLength(length);
    }

    /**
     * Appends a record whose payload is {@code payload} (position to limit; the buffer is not modified), marked as
     * the first of its loop iteration if {@code startsIteration}.
     */
    void append(RecordType type, boolean startsIteration, long seq, long time, ByteBuffer payload)
            throws IOException {
        byte code = (byte) (startsIteration ? type.code | ReplayFormat.ITERATION_FLAG : type.code);
        int length = payload.remaining();
        footprint += recordSize(seq, time, length);
        if (alone(length)) {
            writeOut();
            firstUnwritten = seq;
            ByteBuffer header = ByteBuffer.allocate(4 + BlockFormat.MAX_RECORD_HEADER);
            header.putInt(0);
            putRecordHeader(header, code, seq, time, length);
            int stored = header.position() - 4 + length;
            header.putInt(0, BlockFormat.head(BlockFormat.RAW, stored)).flip();
            crc.reset();
            crc.update(header.duplicate());
            crc.update(payload.duplicate());
            ByteBuffer trailer = ByteBuffer.allocate(8).putInt((int) crc.getValue())
                    .putInt(BlockFormat.head(BlockFormat.RAW, stored)).flip();
            ByteBuffer[] block = {header, payload.duplicate(), trailer};
            indexBlock(BlockFormat.FRAME + stored);
            while (trailer.hasRemaining()) {
                written += channel.write(block);
            }
            lastSeq = -1;
            firstUnwritten = -1;
            return;
        }
        // Room for the record and the block's checksum and tail; a new block has room for its first record.
        ByteBuffer target = take(recordHeaderLength(seq, time, length) + length + BlockFormat.FRAME - 4);
        if (firstUnwritten < 0) {
            firstUnwritten = seq;
        }
        if (lastSeq < 0) {
            target.position(4);
        }
        putRecordHeader(target, code, seq, time, length);
        target.put(payload.duplicate());
    }

    /** Puts a record's header at {@code target}'s position: the first of its block's whole, later ones as deltas. */
    private void putRecordHeader(ByteBuffer target, byte code, long seq, long time, int length) {
        target.put(code);
        if (lastSeq < 0) {
            firstSeq = seq;
            firstTime = time;
            BlockFormat.putVarint(target, seq);
            BlockFormat.putVarint(target, time);
        } else {
            BlockFormat.putVarint(target, seq - lastSeq - 1);
            BlockFormat.putVarint(target, BlockFormat.zigzag(time - lastTime));
        }
        BlockFormat.putVarint(target, length);
        lastSeq = seq;
        lastTime = time;
    }

    /**
     * Notes the block about to be written at the end of the file, of {@code raw} bytes uncompressed, in the index if
     * the index's spacing has passed (counted uncompressed, so that compressed blocks are as near to an entry).
     */
    private void indexBlock(int raw) {
        long before = rawWritten;
        rawWritten += raw;
        if (before < nextIndexed) {
            return;
        }
        if (3 * indexed + 3 > index.length) {
            index = java.util.Arrays.copyOf(index, index.length * 2);
        }
        index[3 * indexed] = written;
        index[3 * indexed + 1] = firstSeq;
        index[3 * indexed + 2] = firstTime;
        indexed++;
        nextIndexed = before + BlockFormat.INDEX_SPACING;
    }

    /** The bytes the index takes when written at close: 0 if no block was written. */
    long indexSize() {
        return indexed == 0 ? 0 : BlockFormat.FRAME + (long) BlockFormat.INDEX_ENTRY * indexed;
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

    /**
     * The block gathered in the buffer, framed: compressed into the compressor's buffer, or in place (its head at
     * 0, its checksum and tail after its records); null if it holds no record.
     */
    private ByteBuffer frame() {
        if (buffer == null || lastSeq < 0) {
            return null;
        }
        ByteBuffer content = buffer.duplicate();
        content.flip().position(4);
        ByteBuffer framed = compressor.compress(content);
        if (framed == null) {
            framed = buffer;
            framed.putInt(0, BlockFormat.head(BlockFormat.RAW, buffer.position() - 4));
        }
        int head = framed.getInt(0);
        ByteBuffer covered = framed.duplicate();
        covered.flip();
        crc.reset();
        crc.update(covered);
        framed.putInt((int) crc.getValue()).putInt(head).flip();
        return framed;
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
        int raw = buffer == null ? 0 : buffer.position() + BlockFormat.FRAME - 4;
        ByteBuffer block = frame();
        if (block != null) {
            try {
                indexBlock(raw);
                writeFully(block);
            } finally {
                lastSeq = -1;
                buffer.clear();
            }
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

    /** Writes what is buffered, then the index, and closes the file. */
    @Override
    public void close() throws IOException {
        close(true);
    }

    /**
     * Writes what is buffered and closes the file, writing the index after its last block if {@code withIndex}
     * (a reader that finds none reads the file from its start).
     */
    void close(boolean withIndex) throws IOException {
        try {
            flush();
            if (withIndex && indexed > 0) {
                ByteBuffer block = ByteBuffer.allocate((int) indexSize());
                int head = BlockFormat.head(BlockFormat.INDEX, BlockFormat.INDEX_ENTRY * indexed);
                block.putInt(head);
                for (int i = 0; i < 3 * indexed; i++) {
                    block.putLong(index[i]);
                }
                crc.reset();
                crc.update(block.array(), 0, block.position());
                block.putInt((int) crc.getValue()).putInt(head).flip();
                long end = channel.size();
                try {
                    writeFully(block);
                } catch (IOException e) {
                    // The index is a shortcut: without it, a reader reads from the start. The records stay whole.
                    indexFailure = e;
                    channel.truncate(end);
                }
            }
        } finally {
            channel.close();
        }
    }

    /** Why the index could not be written when the file was closed (a full disk), or null. */
    IOException indexFailure() {
        return indexFailure;
    }

    /** Closes the file without writing what is buffered: after a failure, when nothing more is written. */
    void abandon() {
        buffer = null;
        lastSeq = -1;
        pool.release(this);
        try {
            channel.close();
        } catch (IOException e) {
            // The recording has already failed, with the error that matters.
        }
    }
}
