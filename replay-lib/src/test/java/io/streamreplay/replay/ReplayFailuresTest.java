package io.streamreplay.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.streamreplay.poll.PollLoop;
import io.streamreplay.stream.StreamProvider;
import io.streamreplay.stream.TlsConfig;
import io.streamreplay.stream.TransportRegistry;
import io.streamreplay.testing.CounterClient;
import io.streamreplay.testing.CounterServer;
import io.streamreplay.testing.LogCapture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a replay does when the application diverges from its recording, or when the recording is cut short,
 * corrupt, foreign or missing: a precise error or a clean end, never a hang and never a silent wrong answer.
 */
class ReplayFailuresTest {

    private static final String PROGRAM = "counter-client";

    @TempDir
    Path tmp;

    private CounterServer server;
    private Thread serverThread;
    private String target;
    private Path recording;

    /** Records a client that makes two calls against a live server. */
    @BeforeEach
    void recordAClient() throws Exception {
        List<String> remotes = List.of("ptcp:0:127.0.0.1");
        server = new CounterServer(ReplayContext.live(), TransportRegistry.standard(TlsConfig.none()), remotes,
                tmp.resolve("server.ctl"));
        serverThread = new Thread(server::runUntilExit, "live-server");
        serverThread.start();
        target = "tcp:127.0.0.1:" + server.listeners().get(0).split(":")[1];
        recording = tmp.resolve("recording");
        try (ReplayContext context = ReplayContext.record(recording, PROGRAM, List.of(target))) {
            assertEquals(List.of("{\"id\":0,\"result\":1,\"error\":null}", "{\"id\":1,\"result\":3,\"error\":null}"),
                    runClient(context, target, 1, 2));
        }
    }

    @AfterEach
    void stopServer() throws InterruptedException {
        server.stop();
        serverThread.join(10_000);
    }

    /** The recorded program: connect, add each amount, return the replies. */
    private static List<String> runClient(ReplayContext context, String name, int... amounts) throws IOException {
        PollLoop loop = context.newPollLoop();
        StreamProvider streams = context.streams(TransportRegistry.standard(TlsConfig.none()));
        List<String> replies = new ArrayList<>();
        try (CounterClient client = new CounterClient(streams, loop, name)) {
            for (int amount : amounts) {
                replies.add(client.call("add", amount).toString());
            }
        }
        return replies;
    }

    @Test
    void theSameProgramReplaysWithoutAServer() throws Exception {
        server.stop();
        serverThread.join(10_000);
        try (ReplayContext replay = ReplayContext.replay(recording, PROGRAM)) {
            assertEquals(List.of("{\"id\":0,\"result\":1,\"error\":null}", "{\"id\":1,\"result\":3,\"error\":null}"),
                    runClient(replay, target, 1, 2));
        }
    }

    @Test
    void aMissingStreamFileStopsTheReplayWhereItIsNeededAndSaysAFileIsMissing() throws Exception {
        try (var files = Files.list(recording)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                if (file.getFileName().toString().matches("\\d{8}-tcp\\.srr")) {
                    Files.delete(file);
                }
            }
        }
        ReplayContext replay = ReplayContext.replay(recording, PROGRAM);
        RecordingExhaustedException error = assertThrows(RecordingExhaustedException.class,
                () -> runClient(replay, target, 1, 2));
        assertTrue(error.getMessage().matches("end of recording " + recording + " reached after 0 events, although"
                + " its manifest counts \\d+: a file is missing, damaged or cut short \\(replay-tool verify "
                + recording + " names it\\)"), error.getMessage());
    }

    @Test
    void openingAStreamThatWasNotRecordedNamesBothStreamsAndTheFile() throws Exception {
        ReplayContext replay = ReplayContext.replay(recording, PROGRAM);
        ReplayDivergenceException error = assertThrows(ReplayDivergenceException.class,
                () -> runClient(replay, "unix:" + tmp.resolve("other.sock"), 1, 2));
        assertEquals("replay of " + recording + " diverged at event #0: the application opens 'unix:"
                + tmp.resolve("other.sock") + "' but the recording opens '" + target
                + "' (file 00000000-tcp.srr)", error.getMessage());
        assertEquals(ReplayDivergenceException.EXIT_STATUS, error.exitStatus());
    }

    @Test
    void sendingOtherBytesThanRecordedNamesTheStreamSequenceNumberAndOffset() throws Exception {
        ReplayContext replay = ReplayContext.replay(recording, PROGRAM);
        ReplayDivergenceException error = assertThrows(ReplayDivergenceException.class,
                () -> runClient(replay, target, 1, 5));
        assertTrue(error.getMessage().matches("replay of .* diverged at event #\\d+: '" + target
                + "' sent other bytes than the \\d+ recorded at #\\d+ \\(file 00000000-tcp.srr, offset \\d+\\)"),
                error.getMessage());
    }

    @Test
    void aReplayThatDivergesSaysSoInItsSummaryAtTheEventOfTheDivergence() throws Exception {
        ReplayDivergenceException error;
        List<String> summary;
        try (LogCapture log = LogCapture.of(Replay.class.getName())) {
            ReplayContext replay = ReplayContext.replay(recording, PROGRAM);
            error = assertThrows(ReplayDivergenceException.class, () -> runClient(replay, target, 1, 5));
            replay.close();
            summary = log.lines().stream().filter(l -> l.contains("replay of " + recording + " ")).toList();
        }
        Matcher diverged = Pattern.compile("diverged at event #(\\d+)").matcher(error.getMessage());
        assertTrue(diverged.find(), error.getMessage());
        assertEquals(1, summary.size(), summary.toString());
        assertTrue(summary.get(0).matches("INFO replay of " + Pattern.quote(recording.toString()) + " stopped by"
                + " divergence at event #" + diverged.group(1) + ", after \\d+ events of \\d+ streams .*"),
                summary.get(0));
    }

    @Test
    void doingMoreThanWasRecordedEndsTheReplayInsteadOfHanging() throws Exception {
        ReplayContext replay = ReplayContext.replay(recording, PROGRAM);
        ReplayException error = assertThrows(ReplayException.class, () -> runClient(replay, target, 1, 2, 3));
        assertTrue(error instanceof ReplayDivergenceException || error instanceof RecordingExhaustedException,
                error.toString());
    }

    @Test
    void aRecordingCutAtAnyByteReplaysItsWholeRecordsAndEndsCleanly() throws Exception {
        Path file = streamFile();
        byte[] bytes = Files.readAllBytes(file);
        for (int length = 0; length < recordsEnd(bytes); length++) {
            Path copy = copyRecording("cut-" + length);
            Files.write(copy.resolve(file.getFileName()), java.util.Arrays.copyOf(bytes, length));
            try (ReplayContext replay = ReplayContext.replay(copy, PROGRAM)) {
                runClient(replay, target, 1, 2);
                fail("a cut recording cannot answer every call (cut at " + length + ")");
            } catch (RecordingExhaustedException e) {
                assertTrue(e.getMessage().startsWith("end of recording " + copy), e.getMessage());
            }
        }
    }

    /**
     * Where the records of a replay file of format 3 end: before the index its recorder wrote after them when it
     * closed it, which a replay does without (a reader that reads the whole file checks it, as {@code
     * RecordBlocksTest} shows).
     */
    private static int recordsEnd(byte[] bytes) {
        int tail = java.nio.ByteBuffer.wrap(bytes).getInt(bytes.length - 4);
        assertEquals(BlockFormat.INDEX, tail >>> 28, "closed by its recorder: the index is last");
        return bytes.length - BlockFormat.FRAME - (tail & BlockFormat.LENGTH_MASK);
    }

    @Test
    void aFlippedBitIsReportedWithTheFileAndOffset() throws Exception {
        Path file = streamFile();
        byte[] bytes = Files.readAllBytes(file);
        int headerLength = 8 + 2 + 1 + 1 + 8 + 2 + target.length() + 4;
        int reported = 0;
        int end = recordsEnd(bytes);
        for (int at = headerLength; at < end; at++) {
            Path copy = copyRecording("flip-" + at);
            byte[] damaged = bytes.clone();
            damaged[at] ^= 0x10;
            Files.write(copy.resolve(file.getFileName()), damaged);
            try (ReplayContext replay = ReplayContext.replay(copy, PROGRAM)) {
                runClient(replay, target, 1, 2);
                fail("a flipped bit at " + at + " went unnoticed");
            } catch (CorruptRecordingException | ReplayDivergenceException e) {
                assertTrue(e.getMessage().contains(file.getFileName() + " at offset "), e.getMessage());
                reported++;
            }
        }
        assertEquals(end - headerLength, reported);
    }

    @Test
    void aMissingForeignOrNewerManifestIsRefusedWithAReason() throws Exception {
        Path manifest = recording.resolve("manifest.json");
        String original = Files.readString(manifest);

        Files.writeString(manifest, original.replaceFirst("\"version\" : \\d+", "\"version\" : 99"));
        String newer = assertThrows(CorruptRecordingException.class, () -> ReplayContext.replay(recording, PROGRAM))
                .getMessage();
        assertTrue(newer.endsWith("recording format version 99 is not supported; this build reads version "
                + ReplayFormat.VERSION), newer);

        Files.writeString(manifest, "{\"format\":\"something-else\"}");
        assertTrue(assertThrows(CorruptRecordingException.class, () -> ReplayContext.replay(recording, PROGRAM))
                .getMessage().contains("not a streamreplay manifest"));

        Files.writeString(manifest, original);
        assertTrue(assertThrows(CorruptRecordingException.class, () -> ReplayContext.replay(recording, "other"))
                .getMessage().endsWith("recorded by program 'counter-client', not 'other'"));

        Files.delete(manifest);
        assertTrue(assertThrows(CorruptRecordingException.class, () -> ReplayContext.replay(recording, PROGRAM))
                .getMessage().contains("no manifest: " + recording + " is not a recording directory"));
    }

    @Test
    @SuppressWarnings("try") // the resource is held open for the duration, not used
    void twoProcessesCannotRecordIntoOneDirectory() throws Exception {
        Path shared = tmp.resolve("shared");
        try (ReplayContext first = ReplayContext.record(shared, PROGRAM, List.of())) {
            IOException error = assertThrows(IOException.class, () -> ReplayContext.record(shared, PROGRAM,
                    List.of()));
            assertEquals(shared + ": another process is recording into this directory", error.getMessage());
        }
    }

    private Path streamFile() throws IOException {
        try (var files = Files.list(recording)) {
            return files.filter(p -> p.getFileName().toString().endsWith("-tcp.srr")).findFirst().orElseThrow();
        }
    }

    private Path copyRecording(String name) throws IOException {
        Path copy = tmp.resolve(name);
        Files.createDirectories(copy);
        try (var files = Files.list(recording)) {
            for (Path file : files.collect(Collectors.toList())) {
                Files.copy(file, copy.resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        return copy;
    }
}
