package io.streamreplay.replay;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads one replay file sequentially, through a buffer lent by a {@link BufferPool}, never the whole file. When the
 * pool reclaims the buffer, the bytes read ahead are forgotten and read again from the file when needed, so that a
 * replay of thousands of streams holds a bounded amount of read-ahead.
 *
 * <p>{@link #peek()} returns the next record without consuming it. A record whose checksum does not match, or with
 * an unknown type, is a {@link CorruptRecordingException} naming the file and offset. A file that ends in the middle
 * of a record (the recording process was killed) ends at the last whole record, with one warning. A record's length
 * is checked against what is left of the file before its payload is allocated. The header is a
 * {@link ReplayFileHeader}; in format 3 each block's records are {@link BlockRecords}, and a seek starts where the
 * file's {@link BlockIndex} says. Not thread-safe.
 */
final class RecordReader implements AutoCloseable, BufferPool.Holder {

    private static final Logger log = LoggerFactory.getLogger(RecordReader.class);

    private final Path file;
    private final FileChannel channel;
    private final BufferPool pool;
    private final CRC32C crc = new CRC32C();
    private final ReplayFileHeader header;
    /** Unread bytes, from {@link #offset} on; null when the pool holds the buffer. */
    private ByteBuffer buffer;
    /** The file offset of the next unread byte. */
    private long offset;
    private ReplayRecord next;
    private boolean truncated;
    private long cutAt = -1;
    /** Format 3: the offset of the block being read, or -1 before the first. */
    private long blockAt = -1;
    /** Format 3: the records of that block; null when not loaded (or reclaimed). */
    private BlockRecords block;
    /** Format 3: when the pool reclaimed that block, how many of its records had been read. */
    private int blockRead;
    /** Format 3: blocks read so far, the index's included. */
    private long blocksLoaded;

    /** Opens {@code file} and checks its header; its records are read through buffers of {@code pool}. */
    RecordReader(Path file, BufferPool pool) throws IOException {
        this.file = file;
        this.pool = pool;
        this.channel = FileChannel.open(file, StandardOpenOption.READ);
        try {
            this.header = ReplayFileHeader.read(file, channel);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        offset = header.length();
    }

    /** Exactly {@code n} bytes at {@code position} of {@code channel}, or EOFException if the file ends first. */
    static byte[] readAt(FileChannel channel, long position, int n) throws IOException {
        byte[] bytes = new byte[n];
        ByteBuffer target = ByteBuffer.wrap(bytes);
        while (target.hasRemaining()) {
            if (channel.read(target, position + target.position()) < 0) {
                throw new EOFException();
            }
        }
        return bytes;
    }

    Path file() {
        return file;
    }

    FileKind kind() {
        return header.kind();
    }

    /** The format version the file was written in. */
    int version() {
        return header.version();
    }

    /** Whether the recorded stream's transport wants inactivity probes (false in files of format 1). */
    boolean needsProbes() {
        return (header.flags() & ReplayFormat.NEEDS_PROBES_FLAG) != 0;
    }

    /** The sequence number at which the stream was opened (0 for sources). */
    long openSeq() {
        return header.openSeq();
    }

    /** The stream's name as recorded. */
    String name() {
        return header.name();
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
    ReplayRecord peek() throws IOException {
        if (next == null && !truncated) {
            next = read();
        }
        return next;
    }

    /**
     * Moves to the first record whose sequence number is {@code target} or more, before any record is read: in a
     * file of format 3 with its index, from the last indexed block that starts before it; otherwise (an earlier
     * format, or a file without its index: cut short, or copied by a repair) reading from the start. The index is
     * only a shortcut: a damaged one is ignored, and the records are checked as ever.
     */
    void seek(long target) throws IOException {
        if (next == null && blockAt < 0 && header.version() >= ReplayFormat.BLOCK_VERSION) {
            long at = BlockIndex.startFor(channel, offset, target);
            if (at > offset) {
                offset = at;
            }
        }
        ReplayRecord record;
        while ((record = peek()) != null && record.seq() < target) {
            advance();
        }
    }

    /** Blocks read so far (format 3), the index's included: what a {@link #seek} saved shows here. */
    long blocksLoaded() {
        return blocksLoaded;
    }

    /** Consumes the record {@link #peek()} returned. */
    void advance() {
        next = null;
    }

    private ReplayRecord read() throws IOException {
        int version = header.version();
        if (version >= ReplayFormat.BLOCK_VERSION) {
            return readFromBlock();
        }
        long start = offset;
        int available = buffered(ReplayFormat.RECORD_HEADER);
        if (available == 0) {
            return null;
        }
        if (available < ReplayFormat.RECORD_HEADER) {
            return cut(start);
        }
        int at = buffer.position();
        crc.reset();
        crc.update(buffer.array(), buffer.arrayOffset() + at + 4, ReplayFormat.RECORD_HEADER - 4);
        if (buffer.getInt(at) != (int) crc.getValue()) {
            throw new CorruptRecordingException(file, start, "record header checksum mismatch");
        }
        int payloadCrc = buffer.getInt(at + 4);
        int length = buffer.getInt(at + 8);
        if (length < 0 || length > ReplayFormat.MAX_PAYLOAD) {
            throw new CorruptRecordingException(file, start, "record length " + length + " out of range");
        }
        int typeCode = buffer.get(at + 12) & 0xff;
        long seq = buffer.getLong(at + 13);
        long time = buffer.getLong(at + 21);
        if (ReplayFormat.RECORD_HEADER + length > available
                && start + ReplayFormat.RECORD_HEADER + length > channel.size()) {
            return cut(start);
        }
        consume(ReplayFormat.RECORD_HEADER);
        byte[] payload = new byte[length];
        int fromBuffer = Math.min(length, buffer.remaining());
        buffer.get(payload, 0, fromBuffer);
        offset += fromBuffer;
        if (fromBuffer < length) {
            // The rest of a payload larger than what is buffered is read straight into its array.
            ByteBuffer rest = ByteBuffer.wrap(payload, fromBuffer, length - fromBuffer);
            while (rest.hasRemaining()) {
                if (channel.read(rest, offset + rest.position() - fromBuffer) < 0) {
                    return cut(start);
                }
            }
            offset += length - fromBuffer;
        }
        crc.reset();
        crc.update(payload);
        if (payloadCrc != (int) crc.getValue()) {
            throw new CorruptRecordingException(file, start, "record payload checksum mismatch");
        }
        boolean startsIteration = version >= ReplayFormat.TIME_VERSION
                && (typeCode & ReplayFormat.ITERATION_FLAG) != 0;
        RecordType type = RecordType.of(version >= ReplayFormat.TIME_VERSION ? typeCode & 0x7f : typeCode);
        if (type == null) {
            throw new CorruptRecordingException(file, start, "unknown record type " + typeCode);
        }
        return new ReplayRecord(type, seq, time, payload, start, startsIteration);
    }

    /**
     * Format 3: the next record of the block being read, loading the next block when it has none left (or the same
     * block again, if the pool reclaimed it, skipping the records already read).
     */
    private ReplayRecord readFromBlock() throws IOException {
        if (block == null && blockAt >= 0 && blockRead > 0) {
            long at = blockAt;
            int skip = blockRead;
            if (!loadBlock(at)) {
                throw new CorruptRecordingException(file, at, "the block read before cannot be read again");
            }
            for (int i = 0; i < skip; i++) {
                block.next();
            }
        }
        while (block == null || !block.hasNext()) {
            if (truncated || !loadBlock(offset)) {
                return null;
            }
        }
        return block.next();
    }

    /**
     * Reads the block at {@code at}, checks it and makes its records the ones read next; false at the end of the
     * file, or where the file ends inside the block (then with one warning).
     */
    private boolean loadBlock(long at) throws IOException {
        block = null;
        long size = channel.size();
        if (at >= size) {
            return false;
        }
        if (at + 4 > size) {
            cut(at);
            return false;
        }
        int head = ByteBuffer.wrap(readAt(channel, at, 4)).getInt();
        int stored = head & BlockFormat.LENGTH_MASK;
        int encoding = head >>> 28;
        if (encoding > BlockFormat.INDEX || stored > BlockFormat.MAX_CONTENT || stored == 0) {
            throw new CorruptRecordingException(file, at, "block header " + String.format("0x%08x", head)
                    + " out of range (encoding " + encoding + ", length " + stored + ")");
        }
        if (at + BlockFormat.FRAME + stored > size) {
            if (encoding == BlockFormat.INDEX && stored % BlockFormat.INDEX_ENTRY == 0) {
                return false; // the index, cut while the file was closed: every record is there
            }
            if (endsAtBlocks(at, size)) {
                throw new CorruptRecordingException(file, at, "block header " + String.format("0x%08x", head)
                        + " damaged: its length passes the end of the file, whose blocks end there whole");
            }
            cut(at);
            return false;
        }
        // The block is read into the pool's buffer when it fits (the buffer is its read-ahead); a larger one alone.
        int framed = BlockFormat.FRAME + stored;
        ByteBuffer bytes;
        if (framed <= BufferPool.BUFFER_SIZE) {
            if (buffer == null) {
                buffer = pool.acquire(this);
            } else {
                pool.touch(this);
            }
            bytes = buffer;
            bytes.clear().limit(framed);
        } else {
            bytes = ByteBuffer.allocate(framed);
        }
        while (bytes.hasRemaining()) {
            if (channel.read(bytes, at + bytes.position()) < 0) {
                cut(at);
                return false;
            }
        }
        bytes.flip();
        crc.reset();
        crc.update(bytes.array(), bytes.arrayOffset(), 4 + stored);
        if (bytes.getInt(4 + stored) != (int) crc.getValue() || bytes.getInt(8 + stored) != head) {
            throw new CorruptRecordingException(file, at, "block checksum mismatch");
        }
        blocksLoaded++;
        BlockRecords records = BlockRecords.of(file, at, encoding, bytes, stored);
        offset = at + framed;
        blockAt = at;
        blockRead = 0;
        block = records;
        return true;
    }

    /**
     * Whether the file from {@code at} to its end {@code size} is whole blocks, walked back from the end by their
     * tails: then a head at {@code at} whose length passes the end is damage, not a write torn at the end.
     */
    private boolean endsAtBlocks(long at, long size) throws IOException {
        long end = size;
        while (end - BlockFormat.FRAME >= at) {
            int tail = ByteBuffer.wrap(readAt(channel, end - 4, 4)).getInt();
            end -= BlockFormat.FRAME + (tail & BlockFormat.LENGTH_MASK);
            if ((tail >>> 28) > BlockFormat.INDEX) {
                return false;
            }
        }
        return end == at;
    }

    /** The file ends inside the record at {@code start}: the end of what can be read, with one warning. */
    private ReplayRecord cut(long start) {
        truncated = true;
        cutAt = start;
        log.warn("{}: file ends inside the record at offset {} (the recording was cut short); replaying up to the"
                + " last whole record", file, start);
        return null;
    }

    private void consume(int n) {
        buffer.position(buffer.position() + n);
        offset += n;
    }

    /**
     * Buffers at least {@code n} unread bytes (at most a buffer's size) unless the file ends first; returns how many
     * are buffered.
     */
    private int buffered(int n) throws IOException {
        if (buffer == null) {
            buffer = pool.acquire(this);
            buffer.limit(0);
        }
        if (buffer.remaining() >= n) {
            return buffer.remaining();
        }
        // The pool learns of a use at each refill only: a reader that refills least recently gives its buffer up.
        pool.touch(this);
        buffer.compact();
        long readAt = offset + buffer.position();
        while (buffer.hasRemaining()) {
            int read = channel.read(buffer, readAt);
            if (read <= 0) {
                break;
            }
            readAt += read;
        }
        buffer.flip();
        return buffer.remaining();
    }

    @Override
    public void reclaim() {
        buffer = null;
        if (block != null) {
            // Forgotten as well, and read again when needed: what a reader holds stays bounded by the pool.
            blockRead = block.hasNext() ? block.read() : 0;
            block = null;
        }
    }

    @Override
    public void close() throws IOException {
        buffer = null;
        block = null;
        pool.release(this);
        channel.close();
    }
}
