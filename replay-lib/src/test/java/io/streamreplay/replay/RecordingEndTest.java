package io.streamreplay.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.streamreplay.stream.TlsConfig;
import io.streamreplay.stream.TransportRegistry;
import io.streamreplay.testing.CounterServer;
import io.streamreplay.testing.SampleRecording;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How the replay of a recording that did not end cleanly ends: where the recording ends, whatever it was cut at,
 * with the reason its manifest records, and never as a divergence. A recording whose process was killed holds its
 * files as they were last flushed, so any file can end anywhere, its header included; one whose writing failed ends
 * at the event its manifest counts; one whose process crashed says so.
 */
class RecordingEndTest {

    @TempDir
    static Path work;
    static SampleRecording sample;

    @TempDir
    Path tmp;

    @BeforeAll
    static void record() throws Exception {
        sample = SampleRecording.make(work, 2, 1);
    }

    /** What a replay of {@code dir} did: the events the server saw, and how it ended. */
    private record Outcome(List<String> events, long delivered, RuntimeException end) {
    }

    private static Outcome replay(Path dir) throws IOException {
        ReplayContext replay = ReplayContext.replay(dir, SampleRecording.PROGRAM);
        CounterServer server = null;
        RuntimeException end = null;
        try {
            server = new CounterServer(replay, TransportRegistry.standard(TlsConfig.none()), sample.remotes(),
                    sample.control());
            server.runUntilExit();
        } catch (ReplayException e) {
            end = e;
        }
        replay.close();
        return new Outcome(server == null ? List.of() : server.events(), replay.events(), end);
    }

    /** A copy of the sample whose manifest says what a killed process leaves: still {@code recording}. */
    private Path killedCopy(String name) throws IOException {
        Path copy = sample.copyTo(tmp.resolve(name));
        Manifest manifest = Manifest.read(copy);
        manifest.withEnd(Manifest.RECORDING, 0, null).write(copy);
        return copy;
    }

    @Test
    void aKilledRecordingCutAnywhereInAnyFileHeaderIncludedReplaysToTheCutAndEndsThereSayingWhy() throws Exception {
        List<Path> files;
        try (var listing = Files.list(sample.dir())) {
            files = listing.filter(f -> f.toString().endsWith(".srr")).sorted().toList();
        }
        assertTrue(files.size() >= 5, "listeners, clients and a source: " + files);
        int replays = 0;
        for (Path file : files) {
            long size = Files.size(file);
            for (long cut = 0; cut < size; cut++) {
                Path copy = killedCopy("cut");
                try (FileChannel channel = FileChannel.open(copy.resolve(file.getFileName()),
                        StandardOpenOption.WRITE)) {
                    channel.truncate(cut);
                }
                Outcome outcome = replay(copy);
                String what = file.getFileName() + " cut at " + cut + ": ";
                if (outcome.end() == null) {
                    // Cut after the last event the server needed: it ran to its recorded exit.
                    assertEquals(sample.events(), outcome.events(), what + "a replay that ends by itself ran whole");
                    deleteRecursively(copy);
                    continue;
                }
                if (!(outcome.end() instanceof RecordingExhaustedException)) {
                    fail(what + "the replay must end at the end of the recording, not with " + outcome.end());
                }
                RecordingExhaustedException end = (RecordingExhaustedException) outcome.end();
                assertTrue(end.recordingIncomplete(), what + "an expected end (status 0)");
                assertTrue(end.getMessage().endsWith("; the recorded process was killed or crashed here"),
                        what + end.getMessage());
                assertEquals(sample.events().subList(0, outcome.events().size()), outcome.events(),
                        what + "the replay saw the start of what the recorded server saw");
                assertTrue(outcome.delivered() < sample.eventCount(), what + "a cut recording holds fewer events");
                deleteRecursively(copy);
                replays++;
            }
        }
        assertTrue(replays > 1000, "every byte offset of every file: " + replays);
    }

    @Test
    void anAcceptedStreamWhoseFileIsMissingEndsAKilledRecordingAtItsAccept() throws Exception {
        Path copy = killedCopy("missing");
        Path client = firstClientFile(copy);
        long acceptedAt = Long.parseLong(client.getFileName().toString().substring(0, 8));
        Files.delete(client);
        Outcome outcome = replay(copy);
        assertTrue(outcome.end() instanceof RecordingExhaustedException, String.valueOf(outcome.end()));
        assertEquals(acceptedAt, outcome.delivered(), "every event before the accept, none after");
        assertTrue(outcome.end().getMessage().startsWith("end of recording " + copy + " reached after " + acceptedAt
                + " events"), outcome.end().getMessage());
    }

    @Test
    void aFailedRecordingEndsAtTheEventsItsManifestCountsWithItsErrorEvenIfFilesHoldMore() throws Exception {
        Path copy = sample.copyTo(tmp.resolve("failed"));
        long written = sample.eventCount() / 2;
        Manifest.read(copy).withEnd(Manifest.FAILED, written, "No space left on device").write(copy);
        Outcome outcome = replay(copy);
        assertTrue(outcome.end() instanceof RecordingExhaustedException, String.valueOf(outcome.end()));
        assertTrue(((RecordingExhaustedException) outcome.end()).recordingIncomplete());
        assertEquals(written, outcome.delivered());
        assertEquals("end of recording " + copy + " reached after " + written + " events; recording stopped here"
                + " because writing it failed (No space left on device)", outcome.end().getMessage());
    }

    @Test
    void aRecordingClosedAfterACrashSaysCrashedWithTheErrorAndItsReplayEndsThereSayingSo() throws Exception {
        Path dir = tmp.resolve("crashed");
        List<String> remotes = List.of("punix:" + tmp.resolve("c.sock"));
        ReplayContext recording = ReplayContext.record(dir, SampleRecording.PROGRAM, remotes);
        CounterServer server = new CounterServer(recording, TransportRegistry.standard(TlsConfig.none()), remotes,
                tmp.resolve("c.ctl"));
        server.close();
        recording.closeAfterCrash(new OutOfMemoryError("Java heap space"));
        recording.close();

        Manifest manifest = Manifest.read(dir);
        assertEquals("crashed", manifest.status());
        assertEquals("java.lang.OutOfMemoryError: Java heap space", manifest.error());
        assertEquals(recording.events(), manifest.events());
        List<String> problems = new ArrayList<>();
        try (RecordingReader reader = RecordingReader.open(dir)) {
            while (reader.next() != null) {
                // to the end, where the manifest is checked
            }
            problems.addAll(reader.problems());
        }
        assertEquals(List.of(dir.resolve("manifest.json") + ": the recording did not end cleanly (status 'crashed':"
                + " java.lang.OutOfMemoryError: Java heap space)"), problems);

        ReplayContext replay = ReplayContext.replay(dir, SampleRecording.PROGRAM);
        CounterServer replayed = new CounterServer(replay, TransportRegistry.standard(TlsConfig.none()), remotes,
                tmp.resolve("c.ctl"));
        RecordingExhaustedException end = org.junit.jupiter.api.Assertions.assertThrows(
                RecordingExhaustedException.class, replayed::runUntilExit);
        assertTrue(end.recordingIncomplete());
        assertTrue(end.getMessage().endsWith("; the recorded process crashed here (java.lang.OutOfMemoryError: Java"
                + " heap space)"), end.getMessage());
    }

    private static Path firstClientFile(Path dir) throws IOException {
        try (var files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().matches("\\d{8}-unix-.*\\.srr")
                    && !f.getFileName().toString().endsWith("-ctl.srr")).sorted().findFirst().orElseThrow();
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        try (var files = Files.list(dir)) {
            for (Path file : files.toList()) {
                Files.delete(file);
            }
        }
        Files.delete(dir);
    }
}
