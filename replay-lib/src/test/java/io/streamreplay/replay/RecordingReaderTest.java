package io.streamreplay.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamreplay.testing.SampleRecording;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading a whole recording in event order, and naming what is wrong with a damaged one. */
class RecordingReaderTest {

    @TempDir
    static Path work;
    static SampleRecording sample;

    @TempDir
    Path tmp;

    @BeforeAll
    static void record() throws Exception {
        sample = SampleRecording.make(work, 2, 5);
    }

    @Test
    void anIntactRecordingReadsEveryEventOnceInSequenceOrderWithNoProblems() throws IOException {
        List<RecordedEvent> events = readAll(sample.dir(), new ArrayList<>());
        assertEquals(sample.eventCount(), events.size());
        for (int i = 0; i < events.size(); i++) {
            assertEquals(i, events.get(i).seq(), "event " + i);
            assertTrue(i == 0 || events.get(i).time() >= events.get(i - 1).time(), "time never goes back");
        }
        try (RecordingReader reader = RecordingReader.open(sample.dir())) {
            while (reader.next() != null) {
                // read to the end, where the manifest is checked too
            }
            assertEquals(List.of(), reader.problems());
            assertEquals(SampleRecording.PROGRAM, reader.manifest().program());
            assertTrue(reader.manifest().complete());
        }
        assertTrue(events.stream().anyMatch(e -> e.type() == RecordType.RECV_DATA
                && new String(e.payload(), StandardCharsets.UTF_8).contains("\"method\":\"add\"")),
                "requests are there as received");
        assertTrue(events.stream().anyMatch(e -> e.type() == RecordType.SEND_OK && e.length() > 0));
        assertTrue(events.stream().anyMatch(e -> e.type() == RecordType.ACCEPT_OK
                && e.detail().startsWith("unix:")), "accepts name the accepted stream");
        assertEquals(4, events.stream().filter(e -> e.type() == RecordType.VALUE && e.length() == 16).count(),
                "each of the two clients had two UUIDs drawn");
    }

    @Test
    void aFlippedBitIsNamedWithItsFileAndOffsetAndTheOtherFilesAreStillRead() throws IOException {
        Path dir = sample.copyTo(tmp.resolve("copy"));
        Path damaged = firstClientFile(dir);
        long offset = Files.size(damaged) / 2;
        flip(damaged, offset);

        List<String> problems = new ArrayList<>();
        List<RecordedEvent> events = readAll(dir, problems);
        assertTrue(problems.stream().anyMatch(p -> p.startsWith(damaged.toString() + " at offset ")
                && p.contains("checksum mismatch") && p.endsWith("the rest of the file is skipped")),
                problems.toString());
        assertTrue(problems.stream().anyMatch(p -> p.startsWith("events #") && p.contains("are in no file")),
                "the events lost with the file's tail are a gap: " + problems);
        assertTrue(events.size() < sample.eventCount() && events.size() > sample.eventCount() / 2,
                "the rest is read: " + events.size());
    }

    @Test
    void aFileCutShortIsAProblemAtTheOffsetOfItsTornRecord() throws IOException {
        Path dir = sample.copyTo(tmp.resolve("copy"));
        Path cut = firstClientFile(dir);
        try (FileChannel channel = FileChannel.open(cut, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            // Three bytes off its last block of records, and so its index (written after them at close) as well.
            java.nio.ByteBuffer tail = java.nio.ByteBuffer.allocate(4);
            channel.read(tail, channel.size() - 4);
            assertEquals(BlockFormat.INDEX, tail.getInt(0) >>> 28);
            channel.truncate(channel.size() - BlockFormat.FRAME - (tail.getInt(0) & BlockFormat.LENGTH_MASK) - 3);
        }
        List<String> problems = new ArrayList<>();
        readAll(dir, problems);
        assertTrue(problems.stream().anyMatch(p -> p.startsWith(cut + " at offset ")
                && p.endsWith("the file ends inside a record (the recording was cut short)")), problems.toString());
    }

    @Test
    void aMissingFileIsAGapInTheSequenceNumbers() throws IOException {
        Path dir = sample.copyTo(tmp.resolve("copy"));
        Files.delete(firstClientFile(dir));
        List<String> problems = new ArrayList<>();
        readAll(dir, problems);
        assertTrue(problems.stream().anyMatch(p -> p.matches("events #\\d+ to #\\d+ are in no file .*")),
                problems.toString());
    }

    @Test
    void aManifestThatIsMissingOrStillRecordingIsReported() throws IOException {
        Path dir = sample.copyTo(tmp.resolve("copy"));
        Path manifest = dir.resolve("manifest.json");
        Files.writeString(manifest, Files.readString(manifest).replace("\"complete\"", "\"recording\""));
        List<String> problems = new ArrayList<>();
        readAll(dir, problems);
        assertEquals(List.of(manifest + ": the recording did not end cleanly (status 'recording')"), problems);

        Files.delete(manifest);
        CorruptRecordingException missing = assertThrows(CorruptRecordingException.class,
                () -> RecordingReader.open(dir));
        assertTrue(missing.getMessage().contains("no manifest"), missing.getMessage());
    }

    private static List<RecordedEvent> readAll(Path dir, List<String> problems) throws IOException {
        List<RecordedEvent> events = new ArrayList<>();
        try (RecordingReader reader = RecordingReader.open(dir)) {
            RecordedEvent event;
            while ((event = reader.next()) != null) {
                events.add(event);
            }
            problems.addAll(reader.problems());
        }
        return events;
    }

    /** The file of the first accepted client connection. */
    private static Path firstClientFile(Path dir) throws IOException {
        try (var files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().matches("\\d{8}-unix-.*\\.srr")).sorted()
                    .findFirst().orElseThrow();
        }
    }

    private static void flip(Path file, long offset) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        bytes[(int) offset] ^= 0x10;
        Files.write(file, bytes);
    }
}
