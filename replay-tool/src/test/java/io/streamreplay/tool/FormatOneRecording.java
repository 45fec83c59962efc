package io.streamreplay.tool;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/**
 * Rewrites a copy of a recording of format version 2 as an older build wrote it (version 1, as
 * {@code docs/replay-format.md} describes both): no time file, no iteration flag in the type bytes, no file flags,
 * and every checksum made again. Only what time recording added is removed; the streams' records are the same.
 */
final class FormatOneRecording {

    private static final int HEADER_FIXED = 22;
    private static final int RECORD_HEADER = 29;
    private static final int ITERATION_FLAG = 0x80;

    private FormatOneRecording() {
    }

    /** Copies the recording in {@code from} to {@code to} in format version 1. */
    static void copy(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        List<Path> files;
        try (Stream<Path> listed = Files.list(from)) {
            files = listed.filter(Files::isRegularFile).toList();
        }
        for (Path file : files) {
            String name = file.getFileName().toString();
            if (name.equals("time.srr") || name.equals(".lock")) {
                continue;
            }
            if (name.equals("manifest.json")) {
                Files.writeString(to.resolve(name),
                        Files.readString(file).replaceFirst("\"version\" : 2", "\"version\" : 1"));
            } else if (name.endsWith(".srr")) {
                Files.write(to.resolve(name), formatOne(Files.readAllBytes(file)));
            } else {
                Files.copy(file, to.resolve(name));
            }
        }
    }

    private static byte[] formatOne(byte[] bytes) {
        ByteBuffer file = ByteBuffer.wrap(bytes);
        if (file.getShort(8) != 2) {
            throw new IllegalArgumentException("not a file of format version 2");
        }
        file.putShort(8, (short) 1);
        file.put(11, (byte) 0); // the flags byte was reserved, always 0
        int nameLength = file.getShort(20) & 0xffff;
        file.putInt(HEADER_FIXED + nameLength, crc(bytes, 0, HEADER_FIXED + nameLength));
        int at = HEADER_FIXED + nameLength + 4;
        while (at + RECORD_HEADER <= bytes.length) {
            bytes[at + 12] = (byte) (bytes[at + 12] & ~ITERATION_FLAG);
            file.putInt(at, crc(bytes, at + 4, RECORD_HEADER - 4));
            at += RECORD_HEADER + file.getInt(at + 8);
        }
        return bytes;
    }

    private static int crc(byte[] bytes, int from, int length) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, from, length);
        return (int) crc.getValue();
    }
}
