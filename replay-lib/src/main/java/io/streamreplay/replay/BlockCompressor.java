package io.streamreplay.replay;

import com.github.luben.zstd.Zstd;
import java.nio.ByteBuffer;

/**
 * Compresses the blocks of one recording's files, or leaves them as they are ({@link RecordingCompression}), and
 * counts the bytes compression saved, which the recording's size bound gives back. One scratch buffer serves every
 * file of the recording. Not thread-safe: the {@link Recording} that owns it serializes access.
 */
final class BlockCompressor {

    /** Zstandard's level: 1, the fastest of its normal levels, for a recorder that must keep up with its process. */
    static final int LEVEL = 1;

    private final RecordingCompression compression;
    private ByteBuffer scratch;
    private long saved;

    /** @throws IllegalArgumentException if {@code compression} is Zstandard and it is not available here */
    BlockCompressor(RecordingCompression compression) {
        if (compression == RecordingCompression.ZSTD && ZstdNative.unavailable() != null) {
            throw new IllegalArgumentException(ZstdNative.unavailable());
        }
        this.compression = compression;
    }

    RecordingCompression compression() {
        return compression;
    }

    /**
     * The block whose records are {@code content} (position to limit; a direct buffer) compressed, framed but for
     * its checksum and tail ({@link BlockFormat}: head at 0, the frame from 4), or null when it is to be stored as it
     * is: no compression, or none that made it smaller.
     */
    ByteBuffer compress(ByteBuffer content) {
        if (compression == RecordingCompression.NONE) {
            return null;
        }
        int length = content.remaining();
        int bound = (int) Zstd.compressBound(length);
        if (scratch == null || scratch.capacity() < bound + BlockFormat.FRAME) {
            scratch = ByteBuffer.allocateDirect(Math.max(bound, BufferPool.BUFFER_SIZE) + BlockFormat.FRAME);
        }
        scratch.clear();
        long stored = Zstd.compressDirectByteBuffer(scratch, 4, scratch.capacity() - BlockFormat.FRAME, content,
                content.position(), length, LEVEL);
        if (Zstd.isError(stored) || stored >= length) {
            return null;
        }
        saved += length - stored;
        scratch.putInt(0, BlockFormat.head(BlockFormat.ZSTD, (int) stored));
        scratch.position(4 + (int) stored);
        return scratch;
    }

    /** Bytes compression has saved so far: stored blocks are that much smaller than their records. */
    long saved() {
        return saved;
    }
}
