package io.streamreplay.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamreplay.stream.TlsConfig;
import io.streamreplay.stream.TransportRegistry;
import io.streamreplay.testing.CounterServer;
import io.streamreplay.testing.ManualClock;
import io.streamreplay.testing.SampleRecording;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bounds on a recording: before an event would take it past its size in bytes of replay files or its count of
 * events, the recording stops between two events, says {@code truncated} in its manifest with the bound and the last
 * event, and the process goes on unrecorded; its replay replays every event before the bound and ends there with an
 * expected end (status 0), saying why.
 */
class RecordingBoundsTest {

    /**
     * A stream file named {@code s}: its header; its opening, the first record of a block (the block's framing, and
     * type, sequence number 0, time 0 and length 0 a byte each); and each later record of the same block with a
     * payload of 10 bytes (type, sequence and time differences and length a byte each). Room for the file's index
     * (one entry below 1 MiB) is counted with its first record.
     */
    private static final int HEADER = ReplayFormat.fileHeaderLength(1) + BlockFormat.FRAME + BlockFormat.INDEX_ENTRY;
    private static final int OPEN_RECORD = BlockFormat.FRAME + 4;
    private static final int DATA_RECORD = 4 + 10;

    @TempDir
    static Path work;
    static SampleRecording whole;

    @TempDir
    Path tmp;

    @BeforeAll
    static void record() throws Exception {
        whole = SampleRecording.make(work.resolve("whole"), 3, 4);
    }

    /** Records into {@code dir}: one stream opened, then {@code received} chunks of 10 bytes received. */
    private static Recording recordChunks(Path dir, RecordingBounds bounds, int received) throws IOException {
        Recording recording = Recording.start(dir, "bounded", List.of("--replay-record"), new ManualClock(), bounds);
        long open = recording.allocate();
        RecordWriter writer = recording.createFile(FileKind.STREAM, open, "s");
        recording.write(writer, RecordType.OPEN_OK, open, Payloads.empty());
        for (int i = 0; i < received; i++) {
            recording.record(writer, RecordType.RECV_DATA, ByteBuffer.wrap(new byte[10]));
        }
        return recording;
    }

    private static long replayFileBytes(Path dir) throws IOException {
        try (var files = Files.list(dir)) {
            long total = 0;
            for (Path file : files.filter(f -> f.toString().endsWith(ReplayFormat.SUFFIX)).toList()) {
                total += Files.size(file);
            }
            return total;
        }
    }

    private static JsonNode manifestJson(Path dir) throws IOException {
        return new ObjectMapper().readTree(dir.resolve(ReplayFormat.MANIFEST).toFile());
    }

    @Test
    void aSizeBoundMetExactlyByAnEventKeepsThatEventAndStopsBeforeTheNext() throws IOException {
        long bound = (long) HEADER + OPEN_RECORD + 3 * DATA_RECORD;
        Path dir = tmp.resolve("exact");
        Recording recording = recordChunks(dir, RecordingBounds.NONE.withMaxSize(bound, Long.toString(bound)), 6);
        assertEquals(4, recording.events(), "the opening and three chunks fill the bound to the byte");
        assertEquals("--replay-record-max-size=" + bound, recording.truncatedBy());
        assertNull(recording.failure(), "a bound reached is not a failure: the process goes on");
        recording.close();
        assertEquals(bound, replayFileBytes(dir), "the files hold exactly the events before the bound");

        Path under = tmp.resolve("under");
        Recording smaller = recordChunks(under, RecordingBounds.NONE.withMaxSize(bound - 1, "172"), 6);
        assertEquals(3, smaller.events(), "one byte less: the third chunk no longer fits");
        smaller.close();
        assertEquals(bound - DATA_RECORD, replayFileBytes(under));
    }

    @Test
    void theManifestSaysTruncatedWithTheBoundAndTheLastEvent() throws IOException {
        Path dir = tmp.resolve("manifest");
        Recording recording = recordChunks(dir, RecordingBounds.NONE.withMaxSize(1 << 20, "1M").withMaxEvents(3), 5);
        JsonNode written = manifestJson(dir);
        assertEquals("truncated", written.path("status").asText(), "said at once, not only at the end");
        recording.close();
        written = manifestJson(dir);
        assertEquals("truncated", written.path("status").asText(), "closing does not say complete");
        assertEquals("--replay-record-max-events=3", written.path("truncatedBy").asText());
        assertEquals(3, written.path("events").asLong());
        assertEquals(2, written.path("lastEvent").asLong());
        Manifest manifest = Manifest.read(dir);
        assertTrue(manifest.truncated());
        assertEquals("--replay-record-max-events=3", manifest.truncatedBy());
        try (RecordingReader reader = RecordingReader.open(dir)) {
            long read = 0;
            while (reader.next() != null) {
                read++;
            }
            assertEquals(3, read);
            assertEquals(List.of(), reader.problems(), "a truncated recording is intact, not damaged");
        }
    }

    @Test
    void withBothBoundsTheFirstReachedStopsTheRecordingAndIsNamed() throws IOException {
        long size = (long) HEADER + OPEN_RECORD + 3 * DATA_RECORD;
        Recording byEvents = recordChunks(tmp.resolve("events"),
                RecordingBounds.NONE.withMaxSize(size, "173").withMaxEvents(2), 6);
        assertEquals(2, byEvents.events());
        assertEquals("--replay-record-max-events=2", byEvents.truncatedBy());
        byEvents.close();
        Recording bySize = recordChunks(tmp.resolve("size"),
                RecordingBounds.NONE.withMaxSize(size, "173").withMaxEvents(5), 6);
        assertEquals(4, bySize.events());
        assertEquals("--replay-record-max-size=173", bySize.truncatedBy());
        bySize.close();
        Recording neither = recordChunks(tmp.resolve("neither"),
                RecordingBounds.NONE.withMaxSize(size, "173").withMaxEvents(5), 3);
        assertEquals(4, neither.events());
        assertNull(neither.truncatedBy());
        neither.close();
        assertEquals("complete", Manifest.read(tmp.resolve("neither")).status());
    }

    @Test
    void aFileWhoseHeaderDoesNotFitEndsTheRecordingAtItsOpening() throws IOException {
        Path dir = tmp.resolve("header");
        Recording recording = recordChunks(dir, RecordingBounds.NONE.withMaxSize(HEADER + OPEN_RECORD, "56"), 0);
        long second = recording.allocate();
        assertNull(recording.createFile(FileKind.STREAM, second, "t"), "no room for the second stream's header");
        assertEquals(1, recording.events());
        recording.close();
        assertEquals(List.of(dir.resolve("00000000-s.srr")), listReplayFiles(dir));
    }

    private static List<Path> listReplayFiles(Path dir) throws IOException {
        try (var files = Files.list(dir)) {
            return files.filter(f -> f.toString().endsWith(ReplayFormat.SUFFIX)).sorted().toList();
        }
    }

    @Test
    void aServerRecordedUnderASizeBoundServesOnAndItsReplayEndsAtTheBoundSayingWhy() throws Exception {
        long bound = replayFileBytes(whole.dir()) / 2;
        SampleRecording bounded = SampleRecording.make(tmp.resolve("run"), 3, 4,
                RecordingBounds.NONE.withMaxSize(bound, Long.toString(bound)));
        assertEquals(whole.events().size(), bounded.events().size(),
                "the server served every session after the bound: " + bounded.events());
        assertTrue(replayFileBytes(bounded.dir()) <= bound, "the files stay within the bound");
        Manifest manifest = Manifest.read(bounded.dir());
        assertTrue(manifest.truncated(), manifest.status());
        assertEquals("--replay-record-max-size=" + bound, manifest.truncatedBy());
        assertEquals(bounded.eventCount(), manifest.events());
        assertTrue(manifest.events() > 10 && manifest.events() < whole.eventCount(),
                manifest.events() + " of " + whole.eventCount());

        ReplayContext replay = ReplayContext.replay(bounded.dir(), SampleRecording.PROGRAM);
        CounterServer server = new CounterServer(replay, TransportRegistry.standard(TlsConfig.none()),
                bounded.remotes(), bounded.control());
        RecordingExhaustedException end = assertThrows(RecordingExhaustedException.class, server::runUntilExit);
        replay.close();
        assertTrue(end.recordingIncomplete(), "an expected end: status " + end.exitStatus());
        assertEquals(0, end.exitStatus());
        assertTrue(end.getMessage().endsWith("; the recording was truncated here by --replay-record-max-size="
                + bound + " (the recorded process went on unrecorded)"), end.getMessage());
        assertEquals(manifest.events(), replay.events(), "every event before the bound, none after");
        List<String> seen = server.events();
        assertTrue(seen.size() > 1 && seen.size() < bounded.events().size(), seen.toString());
        assertEquals(bounded.events().subList(0, seen.size()), seen, "the replay saw the start of the recorded run");
    }

    @Test
    void aBoundAnywhereLeavesAnIntactRecordingOfTheEventsBeforeItThatReplaysToThere() throws Exception {
        long whole = replayFileBytes(RecordingBoundsTest.whole.dir());
        // Steps smaller than a file header, so that each stream's opening and each accept is met.
        long step = Math.max(1, whole / 160);
        assertTrue(step < ReplayFormat.fileHeaderLength(8), "step " + step);
        int runs = 0;
        for (long bound = 0; bound < whole; bound += step) {
            Path work = tmp.resolve("sweep-" + bound);
            SampleRecording bounded = SampleRecording.make(work, 3, 4,
                    RecordingBounds.NONE.withMaxSize(bound, Long.toString(bound)));
            String what = "bound " + bound + ": ";
            assertTrue(replayFileBytes(bounded.dir()) <= bound, what + replayFileBytes(bounded.dir()));
            Manifest manifest = Manifest.read(bounded.dir());
            // Records gather into one block per loop iteration, so that a run of more iterations takes more bytes:
            // near the top of the sweep, a bound may be met by a run in fewer iterations.
            assertTrue(manifest.truncated() || (bound > whole * 9 / 10 && "complete".equals(manifest.status())),
                    what + manifest.status());
            try (RecordingReader reader = RecordingReader.open(bounded.dir())) {
                long read = 0;
                while (reader.next() != null) {
                    read++;
                }
                assertEquals(List.of(), reader.problems(), what + "intact, accepts included");
                assertEquals(manifest.events(), read, what + "the files hold exactly the events counted");
            }
            ReplayContext replay = ReplayContext.replay(bounded.dir(), SampleRecording.PROGRAM);
            CounterServer server = null;
            try {
                server = new CounterServer(replay, TransportRegistry.standard(TlsConfig.none()), bounded.remotes(),
                        bounded.control());
                server.runUntilExit();
                // A bound met only after the server's exit: the replay ran to its recorded exit.
                assertEquals(bounded.events(), server.events(), what + "a replay that ends by itself ran whole");
            } catch (RecordingExhaustedException end) {
                assertEquals(0, end.exitStatus(), what + end.getMessage());
                assertEquals(manifest.events(), replay.events(), what + end.getMessage());
                List<String> seen = server == null ? List.of() : server.events();
                assertEquals(bounded.events().subList(0, seen.size()), seen, what + "the start of the recorded run");
            }
            replay.close();
            runs++;
        }
        assertTrue(runs >= 150, "bounds across the whole recording, every file header among them: " + runs);
    }

    @Test
    void sizesReadAsPowersOf1024AndNonsenseIsRefusedByName() {
        assertEquals(512L << 20, RecordingBounds.parseSize("512M"));
        assertEquals(2L << 30, RecordingBounds.parseSize("2G"));
        assertEquals(64L << 10, RecordingBounds.parseSize("64KiB"));
        assertEquals(1_000_000, RecordingBounds.parseSize("1000000"));
        assertEquals(3L << 40, RecordingBounds.parseSize("3tb"));
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> RecordingBounds.parseSize("12 parsecs"));
        assertEquals("'12 parsecs' is not a size (such as 512M, 2G or 1048576)", bad.getMessage());
        assertThrows(IllegalArgumentException.class, () -> RecordingBounds.parseSize("99999999999T"));
        assertThrows(IllegalArgumentException.class, () -> RecordingBounds.parseSize("-5M"));
    }
}
