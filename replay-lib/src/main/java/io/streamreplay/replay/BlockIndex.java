package io.streamreplay.replay;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.zip.CRC32C;

/**
 * The index at the end of a replay file of format 3 ({@link BlockFormat#INDEX}), as a reader looks up where to start
 * reading for a sequence number. The index is only a shortcut: one that is missing (a file cut short, or copied by a
 * repair) or damaged is no index, and the reader reads from the start. Stateless; each lookup reads the index anew.
 */
final class BlockIndex {

    private BlockIndex() {
    }

    /**
     * The offset of the last block the index of {@code channel}'s file lists whose first record's sequence number is
     * at most {@code target}, among the blocks from {@code start} (the first byte after the header) on; or -1 if the
     * file has no whole index or it lists none before {@code target}.
     */
    static long startFor(FileChannel channel, long start, long target) throws IOException {
        long size = channel.size();
        if (size - start < BlockFormat.FRAME) {
            return -1;
        }
        int tail = ByteBuffer.wrap(RecordReader.readAt(channel, size - 4, 4)).getInt();
        int stored = tail & BlockFormat.LENGTH_MASK;
        long at = size - BlockFormat.FRAME - stored;
        if ((tail >>> 28) != BlockFormat.INDEX || stored % BlockFormat.INDEX_ENTRY != 0 || at < start) {
            return -1;
        }
        ByteBuffer index = ByteBuffer.wrap(RecordReader.readAt(channel, at, BlockFormat.FRAME + stored));
        CRC32C crc = new CRC32C();
        crc.update(index.array(), 0, 4 + stored);
        if (index.getInt(0) != tail || index.getInt(4 + stored) != (int) crc.getValue()) {
            return -1;
        }
        long best = -1;
        for (int entry = 4; entry < 4 + stored; entry += BlockFormat.INDEX_ENTRY) {
            long block = index.getLong(entry);
            if (index.getLong(entry + 8) > target) {
                break;
            }
            if (block >= start && block < at) {
                best = block;
            }
        }
        return best;
    }
}
