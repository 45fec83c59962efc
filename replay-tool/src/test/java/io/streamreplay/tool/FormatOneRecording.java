package io.streamreplay.tool;

import io.streamreplay.replay.RecordedEvent;
import io.streamreplay.replay.RecordingReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/**
 * Rewrites a copy of a recording of format version 2 or 3 as an older build wrote it (version 1, as
 * {@code docs/replay-format.md} describes it): no time file, no iteration flag in the type bytes, no file flags,
 * records back to back with their 29-byte headers, and every checksum made again. Only what time recording and
 * blocks added is removed; the streams' records are the same.
 */
final class FormatOneRecording {

    private static final int HEADER_FIXED = 22;
    /** The record types, in the order of their codes (1, 2, ...) in {@code docs/replay-format.md}. */
    private static final List<String> CODES = List.of("OPEN_OK", "OPEN_ERROR", "CONNECT_OK", "CONNECT_ERROR",
            "RECV_DATA", "RECV_EOF", "RECV_ERROR", "SEND_OK", "SEND_ERROR", "LISTEN_OK", "LISTEN_ERROR", "ACCEPT_OK",
            "ACCEPT_ERROR", "VALUE", "SEND_SHUTDOWN");

    private FormatOneRecording() {
    }

    /** Copies the recording in {@code from} to {@code to} in format version 1. */
    static void copy(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        List<Path> files;
        try (Stream<Path> listed = Files.list(from)) {
            files = listed.filter(Files::isRegularFile).toList();
        }
        Map<Path, ByteArrayOutputStream> replayFiles = new LinkedHashMap<>();
        for (Path file : files) {
            String name = file.getFileName().toString();
            if (name.equals("time.srr") || name.equals(".lock")) {
                continue;
            }
            if (name.equals("manifest.json")) {
                Files.writeString(to.resolve(name),
                        Files.readString(file).replaceFirst("\"version\" : [23]", "\"version\" : 1"));
            } else if (name.endsWith(".srr")) {
                ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                bytes.write(formatOneHeader(Files.readAllBytes(file)));
                replayFiles.put(file, bytes);
            } else {
                Files.copy(file, to.resolve(name));
            }
        }
        try (RecordingReader reader = RecordingReader.open(from)) {
            RecordedEvent event;
            while ((event = reader.next()) != null) {
                ByteArrayOutputStream target = replayFiles.get(event.file());
                if (target != null) {
                    target.write(formatOneRecord(event));
                }
            }
        }
        for (Map.Entry<Path, ByteArrayOutputStream> file : replayFiles.entrySet()) {
            Files.write(to.resolve(file.getKey().getFileName()), file.getValue().toByteArray());
        }
    }

    private static byte[] formatOneHeader(byte[] bytes) {
        ByteBuffer file = ByteBuffer.wrap(bytes);
        int nameLength = file.getShort(20) & 0xffff;
        byte[] header = java.util.Arrays.copyOf(bytes, HEADER_FIXED + nameLength + 4);
        ByteBuffer rewritten = ByteBuffer.wrap(header);
        rewritten.putShort(8, (short) 1);
        rewritten.put(11, (byte) 0); // the flags byte was reserved, always 0
        rewritten.putInt(HEADER_FIXED + nameLength, crc(header, 0, HEADER_FIXED + nameLength));
        return header;
    }

    private static byte[] formatOneRecord(RecordedEvent event) {
        ByteBuffer record = ByteBuffer.allocate(29 + event.payload().length);
        record.putInt(0)
                .putInt(crc(event.payload(), 0, event.payload().length))
                .putInt(event.payload().length)
                .put((byte) (CODES.indexOf(event.type().name()) + 1))
                .putLong(event.seq())
                .putLong(event.time())
                .put(event.payload());
        record.putInt(0, crc(record.array(), 4, 25));
        return record.array();
    }

    private static int crc(byte[] bytes, int from, int length) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, from, length);
        return (int) crc.getValue();
    }
}
