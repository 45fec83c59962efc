package io.streamreplay.replay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamreplay.stream.TlsConfig;
import io.streamreplay.stream.TransportRegistry;
import io.streamreplay.testing.CounterServer;
import io.streamreplay.testing.SampleRecording;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Format 3: records are gathered in blocks, one per write of a file's buffer (at least one per loop iteration that
 * recorded in the file), each with its length at both ends and one checksum, compressed with Zstandard where asked
 * and where that makes the block smaller; a record's header takes a few bytes instead of 29. A reader gives back
 * every record as written, walks a file cut anywhere up to its last whole block, and reports any flipped bit with the
 * file and the block's offset.
 */
class RecordBlocksTest {

    @TempDir
    Path tmp;

    /** A record as written: what a reader must give back. */
    @SuppressWarnings("ArrayRecordComponent") // compared by content in assertSame
    private record Written(RecordType type, boolean startsIteration, long seq, long time, byte[] payload) {
    }

    /**
     * Writes {@code records} to a new file with {@code compression}, writing out (as the loop does when it blocks)
     * after every {@code perBlock} records.
     */
    private Path write(String name, RecordingCompression compression, List<Written> records, int perBlock)
            throws IOException {
        Path file = tmp.resolve(name + ReplayFormat.SUFFIX);
        try (RecordWriter writer = new RecordWriter(file, FileKind.STREAM, 7, "s", 0, BufferPool.forWriting(),
                new BlockCompressor(compression))) {
            int n = 0;
            for (Written record : records) {
                writer.append(record.type(), record.startsIteration(), record.seq(), record.time(),
                        ByteBuffer.wrap(record.payload()));
                if (++n % perBlock == 0) {
                    writer.flush();
                }
            }
        }
        return file;
    }

    private static List<ReplayRecord> readAll(Path file) throws IOException {
        List<ReplayRecord> read = new ArrayList<>();
        try (RecordReader reader = new RecordReader(file, BufferPool.forReading())) {
            ReplayRecord record;
            while ((record = reader.peek()) != null) {
                read.add(record);
                reader.advance();
            }
        }
        return read;
    }

    /** JSON-like requests, as a server receives, of growing and varied sizes, some with gaps in the sequence. */
    private static List<Written> requests(int count) {
        List<Written> records = new ArrayList<>();
        long seq = 7;
        long time = 1_000_000;
        Random random = new Random(42);
        for (int i = 0; i < count; i++) {
            String text = "{\"method\":\"transact\",\"params\":[\"kvdb\",{\"op\":\"insert\",\"table\":\"kv\","
                    + "\"row\":{\"name\":\"k" + i + "\",\"value\":" + i + "}}],\"id\":" + i + "}";
            records.add(new Written(RecordType.RECV_DATA, i % 3 == 0, seq, time,
                    text.repeat(1 + i % 7).getBytes(StandardCharsets.UTF_8)));
            seq += 1 + random.nextInt(3);
            time += random.nextInt(50_000);
        }
        return records;
    }

    private static void assertSame(List<Written> written, List<ReplayRecord> read) {
        assertEquals(written.size(), read.size());
        for (int i = 0; i < written.size(); i++) {
            Written w = written.get(i);
            ReplayRecord r = read.get(i);
            String what = "record " + i;
            assertEquals(w.type(), r.type(), what);
            assertEquals(w.startsIteration(), r.startsIteration(), what);
            assertEquals(w.seq(), r.seq(), what);
            assertEquals(w.time(), r.time(), what);
            assertArrayEquals(w.payload(), r.payload(), what);
        }
    }

    @Test
    void everyRecordReadsBackAsWrittenCompressedOrNotAcrossBlocksOfAnySize() throws IOException {
        List<Written> records = new ArrayList<>(requests(300));
        long seq = records.get(records.size() - 1).seq() + 1;
        // Empty, one byte, larger than a buffer (a block of its own), and a time going back (zigzag differences).
        records.add(new Written(RecordType.RECV_EOF, false, seq++, 5_000_000, new byte[0]));
        records.add(new Written(RecordType.RECV_DATA, true, seq++, 4_000_000, new byte[] {'x'}));
        records.add(new Written(RecordType.RECV_DATA, false, seq++, 4_000_001, new byte[200_000]));
        records.add(new Written(RecordType.SEND_OK, false, seq + 1_000_000_000_000L, Long.MAX_VALUE / 2,
                new byte[8]));
        for (int perBlock : new int[] {1, 5, 1000}) {
            Path none = write("none-" + perBlock, RecordingCompression.NONE, records, perBlock);
            Path zstd = write("zstd-" + perBlock, RecordingCompression.ZSTD, records, perBlock);
            assertSame(records, readAll(none));
            assertSame(records, readAll(zstd));
            assertTrue(Files.size(zstd) < Files.size(none), perBlock + ": " + Files.size(zstd) + " against "
                    + Files.size(none));
        }
    }

    @Test
    void aBlockThatCompressionDoesNotShrinkIsStoredAsItIs() throws IOException {
        Random random = new Random(7);
        List<Written> records = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            byte[] noise = new byte[1000];
            random.nextBytes(noise);
            records.add(new Written(RecordType.RECV_DATA, true, i, i * 1000L, noise));
        }
        Path none = write("noise-none", RecordingCompression.NONE, records, 10);
        Path zstd = write("noise-zstd", RecordingCompression.ZSTD, records, 10);
        assertArrayEquals(Files.readAllBytes(none), Files.readAllBytes(zstd), "never larger than uncompressed");
        assertSame(records, readAll(zstd));
    }

    @Test
    void aRecordHeaderTakesAFewBytesWhereFormatTwoTook29() throws IOException {
        // A client that sends one byte per loop iteration: each byte a block of its own, the worst case.
        List<Written> bytes = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            bytes.add(new Written(RecordType.RECV_DATA, true, 1_000_000 + i, 3_600_000_000_000L + i * 40_000L,
                    new byte[] {'x'}));
        }
        Path alone = write("alone", RecordingCompression.ZSTD, bytes, 1);
        // The file's header, and its index after its blocks (one entry below 1 MiB).
        long header = (long) ReplayFormat.fileHeaderLength(1) + BlockFormat.FRAME + BlockFormat.INDEX_ENTRY;
        // Framing 12, type 1, sequence number 3, time 6 (an hour in), length 1, the byte 1.
        assertEquals(header + 1000 * (12 + 1 + 3 + 6 + 1 + 1), Files.size(alone), "24 bytes a byte at worst");
        Path together = write("together", RecordingCompression.NONE, bytes, 1000);
        // Later records of a block: type 1, sequence difference 1, time difference 3, length 1, the byte 1.
        assertEquals(header + 12 + (1 + 3 + 6 + 1 + 1) + 999 * (1 + 1 + 3 + 1 + 1), Files.size(together));
    }

    @Test
    void aFileCutAtAnyByteReadsUpToItsLastWholeBlock() throws IOException {
        List<Written> records = requests(16);
        for (RecordingCompression compression : RecordingCompression.values()) {
            Path file = write("cut-" + compression, compression, records, 4);
            byte[] bytes = Files.readAllBytes(file);
            int header = ReplayFormat.fileHeaderLength(1);
            List<Long> blockEnds = new ArrayList<>();
            for (long at = header; at < bytes.length;) {
                at += BlockFormat.FRAME + (ByteBuffer.wrap(bytes).getInt((int) at) & BlockFormat.LENGTH_MASK);
                blockEnds.add(at);
            }
            assertEquals(5, blockEnds.size(), "one block a write, and the index");
            Path cut = tmp.resolve("cut" + ReplayFormat.SUFFIX);
            for (int length = header; length <= bytes.length; length++) {
                Files.write(cut, Arrays.copyOf(bytes, length));
                int whole = 0;
                while (whole < 4 && blockEnds.get(whole) <= length) {
                    whole++;
                }
                List<ReplayRecord> read;
                boolean torn;
                try (RecordReader reader = new RecordReader(cut, BufferPool.forReading())) {
                    read = new ArrayList<>();
                    ReplayRecord record;
                    while ((record = reader.peek()) != null) {
                        read.add(record);
                        reader.advance();
                    }
                    torn = reader.truncated();
                }
                assertSame(records.subList(0, 4 * whole), read);
                // A cut inside the index (its head read), after the last block of records, loses nothing and is no
                // tear.
                boolean inRecords = length < blockEnds.get(3) + 4;
                assertEquals(inRecords && length != header && !blockEnds.contains((long) length), torn,
                        "cut at " + length);
            }
        }
    }

    @Test
    void aFlippedBitAnywhereInABlockIsDamageNamingTheFileAndTheBlocksOffset() throws IOException {
        List<Written> records = requests(8);
        for (RecordingCompression compression : RecordingCompression.values()) {
            Path file = write("flip-" + compression, compression, records, 4);
            byte[] bytes = Files.readAllBytes(file);
            Path damaged = tmp.resolve("damaged" + ReplayFormat.SUFFIX);
            for (int at = ReplayFormat.fileHeaderLength(1); at < bytes.length; at++) {
                int bit = at % 8; // each byte, a bit of each rank in turn
                byte[] copy = bytes.clone();
                copy[at] ^= (byte) (1 << bit);
                Files.write(damaged, copy);
                String where = compression + ", byte " + at + ", bit " + bit;
                CorruptRecordingException e = assertThrows(CorruptRecordingException.class, () -> readAll(damaged),
                        where);
                assertTrue(e.getMessage().startsWith(damaged + " at offset "), where + ": " + e.getMessage());
            }
        }
    }

    @Test
    void readersWhoseBuffersThePoolTakesBackReadOnWhereTheyWere() throws IOException {
        List<Written> records = requests(200);
        Path file = write("shared", RecordingCompression.ZSTD, records, 50);
        BufferPool pool = BufferPool.forReading();
        List<RecordReader> readers = new ArrayList<>();
        List<List<ReplayRecord>> read = new ArrayList<>();
        try {
            // More readers than the pool has buffers, read in turn a record at a time: each loses its block.
            for (int i = 0; i < BufferPool.BUFFERS + 6; i++) {
                readers.add(new RecordReader(file, pool));
                read.add(new ArrayList<>());
            }
            for (int n = 0; n < records.size(); n++) {
                for (int i = 0; i < readers.size(); i++) {
                    read.get(i).add(readers.get(i).peek());
                    readers.get(i).advance();
                }
            }
            for (List<ReplayRecord> one : read) {
                assertSame(records, one);
            }
        } finally {
            for (RecordReader reader : readers) {
                reader.close();
            }
        }
    }

    @Test
    void aRecordingCompressedWithZstdReplaysAsTheSameRecordingUncompressed() throws Exception {
        SampleRecording compressed = SampleRecording.make(tmp.resolve("zstd"), 3, 20, RecordingBounds.NONE,
                RecordingCompression.ZSTD);
        ReplayContext replay = ReplayContext.replay(compressed.dir(), SampleRecording.PROGRAM);
        CounterServer server = new CounterServer(replay, TransportRegistry.standard(TlsConfig.none()),
                compressed.remotes(), compressed.control());
        server.runUntilExit();
        replay.close();
        assertEquals(compressed.events(), server.events(), "the replay did what the recorded run did");
        try (RecordingReader reader = RecordingReader.open(compressed.dir())) {
            long read = 0;
            while (reader.next() != null) {
                read++;
            }
            assertEquals(compressed.eventCount(), read);
            assertEquals(List.of(), reader.problems());
        }
    }
}
