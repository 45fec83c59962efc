package io.streamreplay.replay;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The blocks of a replay file of format 3 ({@code docs/replay-format.md}): records are grouped in blocks, each framed
 * by its stored length at both ends and covered by one CRC-32C, and each decodable alone (its first record carries
 * its sequence number and time whole; later ones differences from the record before).
 *
 * <pre>
 * block:  u32 head (encoding in bits 28-31, stored length B in bits 0-27) | B bytes | u32 crc32c | u32 tail = head
 * record: u8 type (bit 7: first of its loop iteration) | varint seq | varint time | varint length L | L bytes
 * </pre>
 *
 * <p>A varint is an unsigned LEB128 number (7 bits a byte, least significant first). In the first record of a block,
 * {@code seq} is the sequence number and {@code time} the recorded time in nanoseconds; in later ones, {@code seq}
 * is the count of events between the record before and this one, and {@code time} the difference of times, zigzag
 * encoded. Stateless.
 */
final class BlockFormat {

    /** Bytes of a block's framing: head, checksum, tail. */
    static final int FRAME = 4 + 4 + 4;
    /** The head's bits that hold the stored length. */
    static final int LENGTH_MASK = 0x0fff_ffff;
    /** Encoding code of a block stored as it is. */
    static final int RAW = 0;
    /** Encoding code of a block stored as one Zstandard frame, its content size in its header. */
    static final int ZSTD = 1;
    /**
     * Encoding code of the index a writer puts after a file's last block when it closes the file: entries of 24
     * bytes (u64 offset of a block, u64 sequence number and u64 time of its first record), one for the first block
     * at or after every {@value #INDEX_SPACING} bytes of the file, so that a reader finds where to start reading
     * for a sequence number without reading what comes before. It holds no records.
     */
    static final int INDEX = 2;
    /** Bytes of file between two entries of the index, at least. */
    static final int INDEX_SPACING = 1 << 20;
    /** Bytes of one entry of the index. */
    static final int INDEX_ENTRY = 24;
    /** The most bytes a block's records may take: one record of the largest payload, with its header. */
    static final int MAX_CONTENT = ReplayFormat.MAX_PAYLOAD + 32;
    /** The most bytes of a record's header: type, and three varints (seq and time of 10 bytes, length of 4). */
    static final int MAX_RECORD_HEADER = 1 + 10 + 10 + 4;

    private BlockFormat() {
    }

    static int head(int encoding, int stored) {
        return (encoding << 28) | stored;
    }

    /** Bytes of {@code value} as a varint (an unsigned number). */
    static int varintLength(long value) {
        int bytes = 1;
        while ((value >>>= 7) != 0) {
            bytes++;
        }
        return bytes;
    }

    static void putVarint(ByteBuffer target, long value) {
        while ((value & ~0x7fL) != 0) {
            target.put((byte) ((value & 0x7f) | 0x80));
            value >>>= 7;
        }
        target.put((byte) value);
    }

    /**
     * The varint at {@code source}'s position, which it passes; -1 if it runs past the limit or past 10 bytes
     * (damage: the block's checksum matched, so its writer wrote it so, or it was forged).
     */
    static long getVarint(ByteBuffer source) {
        long value = 0;
        for (int shift = 0; shift < 70; shift += 7) {
            if (!source.hasRemaining()) {
                return -1;
            }
            int b = source.get();
            value |= ((long) (b & 0x7f)) << shift;
            if ((b & 0x80) == 0) {
                return value;
            }
        }
        return -1;
    }

    /** A signed difference as an unsigned number: small magnitudes, either sign, stay small. */
    static long zigzag(long value) {
        return (value << 1) ^ (value >> 63);
    }

    static long unzigzag(long value) {
        return (value >>> 1) ^ -(value & 1);
    }

    /** {@code records} (of one file, in order) as one block stored as it is, framed, ready to be written. */
    static ByteBuffer rawBlock(List<RecordedEvent> records) {
        int size = FRAME;
        for (RecordedEvent record : records) {
            size += MAX_RECORD_HEADER + record.payload().length;
        }
        ByteBuffer block = ByteBuffer.allocate(size);
        block.putInt(0);
        long lastSeq = -1;
        long lastTime = 0;
        for (RecordedEvent record : records) {
            block.put((byte) (record.startsIteration() ? record.type().code | ReplayFormat.ITERATION_FLAG
                    : record.type().code));
            putVarint(block, lastSeq < 0 ? record.seq() : record.seq() - lastSeq - 1);
            putVarint(block, lastSeq < 0 ? record.time() : zigzag(record.time() - lastTime));
            putVarint(block, record.payload().length);
            block.put(record.payload());
            lastSeq = record.seq();
            lastTime = record.time();
        }
        int head = head(RAW, block.position() - 4);
        block.putInt(0, head);
        CRC32C crc = new CRC32C();
        crc.update(block.array(), 0, block.position());
        block.putInt((int) crc.getValue()).putInt(head).flip();
        return block;
    }
}
