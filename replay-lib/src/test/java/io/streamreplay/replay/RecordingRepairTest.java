package io.streamreplay.replay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamreplay.testing.ManualClock;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link RecordingRepair}: what the copy of a damaged recording holds, byte for byte, and what its manifest says;
 * the tool's tests ({@code VerifyRepairTest}) damage real recordings at random.
 */
class RecordingRepairTest {

    /** A chunk of 10 bytes in a block of its own: the block's framing, type, sequence number, time, length. */
    private static final int DATA_BLOCK = BlockFormat.FRAME + 4 + 10;

    @TempDir
    Path tmp;

    /**
     * A complete recording of one stream: its opening and five chunks of 10 bytes, each written out as a loop
     * iteration's records are (a block each), with a starting file.
     */
    private Path record() throws IOException {
        Path db = Files.writeString(tmp.resolve("state.db"), "the starting state");
        Path dir = tmp.resolve("recording");
        Recording recording = Recording.start(dir, "repaired", List.of("state.db"), new ManualClock());
        recording.addStartingFile(db);
        long open = recording.allocate();
        RecordWriter writer = recording.createFile(FileKind.STREAM, open, "s");
        recording.write(writer, RecordType.OPEN_OK, open, Payloads.empty());
        for (int i = 0; i < 5; i++) {
            recording.record(writer, RecordType.RECV_DATA, ByteBuffer.wrap(new byte[10]));
            recording.flush();
        }
        recording.close();
        return dir;
    }

    @Test
    void theCopyHoldsTheFileUpToTheDamagedRecordByteForByteWithTheStartingFiles() throws IOException {
        Path dir = record();
        Path file = dir.resolve("00000000-s.srr");
        byte[] original = Files.readAllBytes(file);
        int fourth = original.length - (BlockFormat.FRAME + BlockFormat.INDEX_ENTRY) - 2 * DATA_BLOCK;
        byte[] damaged = original.clone();
        damaged[fourth + DATA_BLOCK - BlockFormat.FRAME + 3] ^= 0x10;
        Files.write(file, damaged);

        Path out = tmp.resolve("out");
        RecordingRepair.Result result = RecordingRepair.repair(dir, out);
        assertEquals(4, result.events(), "the opening and the first three chunks");
        assertEquals(List.of(new RecordingRepair.Cut(file, fourth, -1, result.cuts().get(0).why())), result.cuts());
        assertTrue(result.reason().startsWith(file + " at offset " + fourth + ": block checksum mismatch"),
                result.reason());
        byte[] copied = Files.readAllBytes(out.resolve("00000000-s.srr"));
        assertEquals(fourth, copied.length);
        assertArrayEquals(java.util.Arrays.copyOf(original, fourth), copied);
        assertEquals("the starting state", Files.readString(out.resolve("start/state.db")));

        Manifest manifest = Manifest.read(out);
        assertTrue(manifest.truncated());
        assertEquals(4, manifest.events());
        assertEquals(Manifest.read(dir).startingFiles(), manifest.startingFiles(), "checked again by a replay");
        assertEquals("replay-tool verify --repair of " + dir + " (status 'complete'): " + result.reason(),
                manifest.truncatedBy());
        assertTrue(!Files.exists(out.resolve(ReplayFormat.MANIFEST + ".tmp")), "no reserve: nothing records here");
        assertArrayEquals(damaged, Files.readAllBytes(file), "the original is only read");
    }

    @Test
    void theBlockWhereTheCopyEndsIsWrittenAgainWithTheEventsItKeeps() throws IOException {
        // Six records in one block; the manifest says the recording failed after event #2 (as after a full disk).
        Path dir = tmp.resolve("failed");
        Recording recording = Recording.start(dir, "repaired", List.of(), new ManualClock());
        long open = recording.allocate();
        RecordWriter writer = recording.createFile(FileKind.STREAM, open, "s");
        recording.write(writer, RecordType.OPEN_OK, open, Payloads.empty());
        for (int i = 0; i < 5; i++) {
            recording.record(writer, RecordType.RECV_DATA, ByteBuffer.wrap(new byte[] {(byte) i}));
        }
        recording.close();
        Manifest.read(dir).withEnd(Manifest.FAILED, 3, "No space left on device").write(dir);

        Path out = tmp.resolve("out");
        RecordingRepair.Result result = RecordingRepair.repair(dir, out);
        assertEquals(3, result.events());
        byte[] original = Files.readAllBytes(dir.resolve("00000000-s.srr"));
        byte[] copied = Files.readAllBytes(out.resolve("00000000-s.srr"));
        int header = ReplayFormat.fileHeaderLength(1);
        // The header as it was, then one block: framing, the opening (4 bytes), two records of one byte (5 each).
        assertArrayEquals(java.util.Arrays.copyOf(original, header), java.util.Arrays.copyOf(copied, header));
        assertEquals(header + BlockFormat.FRAME + 4 + 2 * 5, copied.length);
        try (RecordingReader reader = RecordingReader.open(out)) {
            List<Long> seqs = new java.util.ArrayList<>();
            RecordedEvent event;
            while ((event = reader.next()) != null) {
                seqs.add(event.seq());
                if (event.seq() > 0) {
                    assertArrayEquals(new byte[] {(byte) (event.seq() - 1)}, event.payload());
                }
            }
            assertEquals(List.of(0L, 1L, 2L), seqs);
            assertEquals(List.of(), reader.problems(), "the copy is intact");
        }
    }
}
