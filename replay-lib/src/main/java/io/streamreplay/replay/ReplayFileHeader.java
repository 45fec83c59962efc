package io.streamreplay.replay;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * The header of one replay file, as {@link RecordReader} reads it before the file's records: the format version,
 * the flags, the kind of file, the sequence number at which its stream was opened and the stream's name (layout in
 * {@code docs/replay-format.md}). An immutable value.
 *
 * @param version the format version the file was written in
 * @param flags the header's flags ({@link ReplayFormat#NEEDS_PROBES_FLAG}; 0 in files of format 1)
 * @param kind what the file records
 * @param openSeq the sequence number at which the stream was opened (0 for sources)
 * @param name the stream's name as recorded
 * @param length the header's length in bytes: the offset of the file's first record or block
 */
record ReplayFileHeader(int version, int flags, FileKind kind, long openSeq, String name, int length) {

    /**
     * Reads and checks the header of {@code file}, open as {@code channel}.
     *
     * @throws CorruptRecordingException naming the file and offset if it is not a replay file, is of a newer format,
     *         fails its checksum, or ends inside its header ({@link CorruptRecordingException#isCutShort()})
     */
    static ReplayFileHeader read(Path file, FileChannel channel) throws IOException {
        try {
            byte[] fixedBytes = RecordReader.readAt(channel, 0, ReplayFormat.FILE_HEADER_FIXED);
            ByteBuffer fixed = ByteBuffer.wrap(fixedBytes);
            byte[] magic = new byte[ReplayFormat.MAGIC.length];
            fixed.get(magic);
            if (!Arrays.equals(magic, ReplayFormat.MAGIC)) {
                throw new CorruptRecordingException(file, 0, "not a replay file (bad magic number)");
            }
            int version = fixed.getShort() & 0xffff;
            if (version > ReplayFormat.VERSION || version == 0) {
                throw new CorruptRecordingException(file, 8, "replay format version " + version
                        + " is not supported; this build reads version " + ReplayFormat.VERSION);
            }
            int kindCode = fixed.get();
            int flags = version >= ReplayFormat.TIME_VERSION ? fixed.get() : 0;
            if (version < ReplayFormat.TIME_VERSION) {
                fixed.get();
            }
            FileKind kind = FileKind.of(kindCode);
            long openSeq = fixed.getLong();
            int nameLength = fixed.getShort() & 0xffff;
            byte[] rest = RecordReader.readAt(channel, ReplayFormat.FILE_HEADER_FIXED, nameLength + 4);
            String name = new String(rest, 0, nameLength, StandardCharsets.UTF_8);
            CRC32C crc = new CRC32C();
            crc.update(fixedBytes);
            crc.update(rest, 0, nameLength);
            if (ByteBuffer.wrap(rest).getInt(nameLength) != (int) crc.getValue() || kind == null) {
                throw new CorruptRecordingException(file, 0, "file header checksum mismatch");
            }
            return new ReplayFileHeader(version, flags, kind, openSeq, name,
                    ReplayFormat.fileHeaderLength(nameLength));
        } catch (EOFException e) {
            throw CorruptRecordingException.cutShort(file);
        }
    }
}
