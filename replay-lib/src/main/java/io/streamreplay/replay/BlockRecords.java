package io.streamreplay.replay;

import com.github.luben.zstd.Zstd;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * The records of one block of a replay file of format 3, checked and, if it was compressed, decompressed, decoded
 * one at a time ({@link BlockFormat}: the first record carries its sequence number and time whole, later ones the
 * differences from the record before). The counterpart of {@link BlockCompressor} on the reading side.
 *
 * <p>A record that runs past the block's end or has an unknown type is a {@link CorruptRecordingException} naming
 * the file and the block's offset; the block's checksum matched, so what is wrong was written so. Not thread-safe:
 * the {@link RecordReader} that loaded it reads it.
 */
final class BlockRecords {

    private final Path file;
    private final long at;
    private final ByteBuffer content;
    private int read;
    private long lastSeq;
    private long lastTime;

    private BlockRecords(Path file, long at, ByteBuffer content) {
        this.file = file;
        this.at = at;
        this.content = content;
    }

    /**
     * The records of the block of {@code file} at offset {@code at}, whose encoding is {@code encoding} and whose
     * checked frame is {@code bytes} (head at 0, {@code stored} bytes from 4; a heap buffer). A raw block's records
     * are read from {@code bytes} itself, which must stay as it is while they are.
     *
     * @throws CorruptRecordingException if a compressed block's content is out of range or cannot be decompressed
     * @throws IOException if the block is compressed and Zstandard is not available on this platform
     */
    static BlockRecords of(Path file, long at, int encoding, ByteBuffer bytes, int stored) throws IOException {
        if (encoding == BlockFormat.INDEX) {
            return new BlockRecords(file, at, ByteBuffer.allocate(0)); // the index, at the end: no records
        }
        if (encoding == BlockFormat.RAW) {
            return new BlockRecords(file, at, bytes.duplicate().position(4).limit(4 + stored).slice());
        }
        String unavailable = ZstdNative.unavailable();
        if (unavailable != null) {
            throw new CompressionUnavailableException(file + " at offset " + at + ": the block is compressed, and "
                    + unavailable);
        }
        long length = Zstd.getFrameContentSize(bytes.array(), bytes.arrayOffset() + 4, stored);
        if (length <= 0 || length > BlockFormat.MAX_CONTENT) {
            throw new CorruptRecordingException(file, at, "compressed block of " + length + " bytes out of range");
        }
        byte[] content = new byte[(int) length];
        long made = Zstd.decompressByteArray(content, 0, content.length, bytes.array(), bytes.arrayOffset() + 4,
                stored);
        if (Zstd.isError(made) || made != length) {
            throw new CorruptRecordingException(file, at, "compressed block cannot be decompressed: "
                    + (Zstd.isError(made) ? Zstd.getErrorName(made) : made + " bytes of " + length));
        }
        return new BlockRecords(file, at, ByteBuffer.wrap(content));
    }

    /** Whether a record is left to read. */
    boolean hasNext() {
        return content.hasRemaining();
    }

    /** How many records have been read. */
    int read() {
        return read;
    }

    /** The next record; call only while {@link #hasNext()}. */
    ReplayRecord next() throws CorruptRecordingException {
        int typeCode = content.get() & 0xff;
        long seqField = BlockFormat.getVarint(content);
        long timeField = BlockFormat.getVarint(content);
        long length = BlockFormat.getVarint(content);
        String where = "record " + read + " of the block";
        if (seqField < 0 || timeField < 0 || length < 0 || length > content.remaining()) {
            throw new CorruptRecordingException(file, at, where + " runs past the block's end");
        }
        long seq = read == 0 ? seqField : lastSeq + 1 + seqField;
        long time = read == 0 ? timeField : lastTime + BlockFormat.unzigzag(timeField);
        RecordType type = RecordType.of(typeCode & 0x7f);
        if (type == null) {
            throw new CorruptRecordingException(file, at, where + ": unknown record type " + typeCode);
        }
        byte[] payload = new byte[(int) length];
        content.get(payload);
        read++;
        lastSeq = seq;
        lastTime = time;
        return new ReplayRecord(type, seq, time, payload, at, (typeCode & ReplayFormat.ITERATION_FLAG) != 0);
    }
}
