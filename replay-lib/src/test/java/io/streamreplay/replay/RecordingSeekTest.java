package io.streamreplay.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamreplay.testing.ManualClock;
import io.streamreplay.testing.SampleRecording;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reading from an event on: a file of format 3 closed by its recorder ends with an index (a block's offset, first
 * sequence number and time, every MiB), through which a reader starts at the block before the event instead of
 * reading everything before it; a file without it (cut short, or repaired) is read from its start, with the same
 * result. {@code -Dlarge.recording=SIZE} (such as {@code 1G}) also reads the last event of a recording that large.
 */
class RecordingSeekTest {

    @TempDir
    Path tmp;

    /** A file of {@code count} records of 4 KiB with consecutive sequence numbers, ten to a block. */
    private Path write(int count, RecordingCompression compression) throws IOException {
        Path file = tmp.resolve("s-" + compression.label() + ReplayFormat.SUFFIX);
        Random random = new Random(3);
        try (RecordWriter writer = new RecordWriter(file, FileKind.STREAM, 0, "s", 0, BufferPool.forWriting(),
                new BlockCompressor(compression))) {
            for (int i = 0; i < count; i++) {
                byte[] payload = new byte[4096];
                for (int j = 0; j < payload.length; j++) {
                    payload[j] = (byte) ('a' + random.nextInt(8));
                }
                writer.append(RecordType.RECV_DATA, i, i * 1000L, ByteBuffer.wrap(payload));
                if (i % 10 == 9) {
                    writer.flush();
                }
            }
        }
        return file;
    }

    @Test
    void aReaderStartsAtAnEventThroughTheIndexReadingOnlyTheBlocksNearIt() throws IOException {
        for (RecordingCompression compression : RecordingCompression.values()) {
            Path file = write(3000, compression);
            for (long target : new long[] {0, 1, 9, 10, 1234, 2999}) {
                try (RecordReader reader = new RecordReader(file, BufferPool.forReading())) {
                    reader.seek(target);
                    assertEquals(target, reader.peek().seq(), compression + ", #" + target);
                    // An index entry every MiB: 26 blocks of 40 KiB at most between the entry and the event.
                    assertTrue(reader.blocksLoaded() <= 28, compression + ", #" + target + ": "
                            + reader.blocksLoaded() + " blocks read of 300");
                }
            }
            try (RecordReader reader = new RecordReader(file, BufferPool.forReading())) {
                reader.seek(3000);
                assertNull(reader.peek(), "past the last event: nothing");
            }
        }
    }

    @Test
    void aFileWithoutItsIndexIsReadFromItsStartToTheSameEvent() throws IOException {
        Path file = write(600, RecordingCompression.ZSTD);
        long withIndex = Files.size(file);
        try (RecordReader reader = new RecordReader(file, BufferPool.forReading())) {
            reader.seek(555);
            assertTrue(reader.blocksLoaded() < 30, "through the index: " + reader.blocksLoaded());
        }
        // As a kill -9 leaves it: the blocks written, no index.
        int tail = 0;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer word = ByteBuffer.allocate(4);
            channel.read(word, withIndex - 4);
            tail = word.getInt(0);
        }
        assertEquals(BlockFormat.INDEX, tail >>> 28, "the last block is the index");
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.truncate(withIndex - BlockFormat.FRAME - (tail & BlockFormat.LENGTH_MASK));
        }
        try (RecordReader reader = new RecordReader(file, BufferPool.forReading())) {
            reader.seek(555);
            assertEquals(555, reader.peek().seq());
            assertEquals(56, reader.blocksLoaded(), "every block up to the event's");
            assertTrue(!reader.truncated(), "a file without its index is whole");
        }
    }

    @Test
    void aRecordingReadFromAnEventGivesTheEventsOfAWholeReadingFromThere() throws Exception {
        SampleRecording sample = SampleRecording.make(tmp.resolve("sample"), 3, 6);
        List<RecordedEvent> all = readAll(sample.dir(), 0);
        for (long from : new long[] {1, 7, all.size() / 2, all.size() - 1, all.size(), all.size() + 10}) {
            List<RecordedEvent> read = readAll(sample.dir(), from);
            List<RecordedEvent> expected = all.subList((int) Math.min(from, all.size()), all.size());
            assertEquals(expected.size(), read.size(), "from #" + from);
            for (int i = 0; i < read.size(); i++) {
                assertEquals(expected.get(i).seq(), read.get(i).seq(), "from #" + from);
                assertEquals(expected.get(i).file(), read.get(i).file(), "from #" + from);
            }
        }
    }

    private static List<RecordedEvent> readAll(Path dir, long from) throws IOException {
        List<RecordedEvent> events = new ArrayList<>();
        try (RecordingReader reader = RecordingReader.open(dir, from)) {
            RecordedEvent event;
            while ((event = reader.next()) != null) {
                events.add(event);
            }
            assertEquals(List.of(), reader.problems(), "from #" + from);
        }
        return events;
    }

    @Test
    void theLastEventOfALargeRecordingIsReadThroughTheIndexes() throws IOException {
        String size = System.getProperty("large.recording");
        if (size == null) {
            return; // -Dlarge.recording=1G to run it: a minute or two of writing
        }
        Path dir = tmp.resolve("large");
        Recording recording = Recording.start(dir, "large", List.of(), new ManualClock(),
                RecordingBounds.NONE.withMaxSize(RecordingBounds.parseSize(size), size));
        List<RecordWriter> streams = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            long open = recording.allocate();
            RecordWriter writer = recording.createFile(FileKind.STREAM, open, "s" + i);
            recording.write(writer, RecordType.OPEN_OK, open, Payloads.empty());
            streams.add(writer);
        }
        Random random = new Random(5);
        byte[] request = ("{\"id\":1,\"method\":\"transact\",\"params\":[\"kvdb\",{\"op\":\"insert\",\"table\":"
                + "\"kv\",\"row\":{\"name\":\"key\",\"value\":1}}]}").getBytes(StandardCharsets.UTF_8);
        while (recording.truncatedBy() == null) {
            recording.record(streams.get(random.nextInt(streams.size())), RecordType.RECV_DATA,
                    ByteBuffer.wrap(request));
            recording.endIteration();
            recording.flush();
        }
        recording.close();
        long last = recording.events() - 1;
        try (RecordingReader reader = RecordingReader.open(dir, last)) {
            assertEquals(last, reader.next().seq());
            assertNull(reader.next());
            assertEquals(List.of(), reader.problems());
        }
    }
}
