package io.streamreplay.tool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamreplay.replay.RecordingBounds;
import io.streamreplay.replay.ReplayContext;
import io.streamreplay.stream.StreamProvider;
import io.streamreplay.stream.TlsConfig;
import io.streamreplay.stream.TransportRegistry;
import io.streamreplay.testing.CounterServer;
import io.streamreplay.testing.LogCapture;
import io.streamreplay.testing.SampleRecording;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The tool's commands on a real recording made by the test, and on damaged copies of it. */
class ReplayToolTest {

    @TempDir
    static Path work;
    static SampleRecording sample;

    @TempDir
    Path tmp;

    @BeforeAll
    static void record() throws Exception {
        sample = SampleRecording.make(work, 2, 3);
    }

    @Test
    void dumpPrintsOneLinePerEventInSequenceOrderWithReceivedTextAndSentLengths() {
        ToolRun dump = tool("dump", sample.dir().toString());
        assertEquals(0, dump.status(), dump.err());
        assertEquals(sample.eventCount(), dump.lines().size());
        for (int i = 0; i < dump.lines().size(); i++) {
            assertTrue(dump.lines().get(i).startsWith("#" + i + " "), dump.lines().get(i));
        }
        String request = line(dump, "recv-data");
        assertTrue(
                request.matches(
                        "#\\d+ +\\+\\d+\\.\\d{6}s\\*? unix:\\S+#1 recv-data \\d+ \\{\"id\":0,\"method\":\"add\".*"),
                request);
        assertTrue(line(dump, "send-ok").matches(".* send-ok \\d+ crc32c=[0-9a-f]{8}"), line(dump, "send-ok"));
        assertTrue(line(dump, " value ").matches(".* value 16 hex:[0-9a-f]{32}"), "UUID draws are shown in hex");
        assertTrue(line(dump, "recv-eof").contains("unix:"), "the clients' disconnections are there");
    }

    @Test
    void dumpSelectsAStreamAndARangeOfSequenceNumbers() {
        ToolRun all = tool("dump", sample.dir().toString());
        String stream = line(all, "recv-data").split(" +")[2];
        ToolRun one = tool("dump", sample.dir().toString(), "--stream=" + stream);
        assertTrue(one.lines().size() > 3 && one.lines().stream().allMatch(l -> l.split(" +")[2].equals(stream)),
                one.out());

        ToolRun range = tool("dump", sample.dir().toString(), "--from=5", "--to=9");
        assertEquals(List.of("#5", "#6", "#7", "#8", "#9"),
                range.lines().stream().map(l -> l.split(" ")[0]).collect(Collectors.toList()));
    }

    @Test
    void dumpSelectsATimeWindowAndErrorsAndSaysWhenNothingMatches() throws Exception {
        ToolRun all = tool("dump", sample.dir().toString());
        String middleLine = all.lines().get(all.lines().size() / 2);
        String shown = middleLine.split(" +")[1].replaceAll("[+s]", "");
        double middle = Double.parseDouble(shown);
        ToolRun early = tool("dump", sample.dir().toString(), "--until=" + shown + "s");
        ToolRun late = tool("dump", sample.dir().toString(), "--since=" + shown + "s");
        assertTrue(early.lines().contains(middleLine) && late.lines().contains(middleLine),
                "a time dump shows, given to --since or --until, includes its event: " + early.out() + late.out());
        assertTrue(early.lines().size() + late.lines().size() >= all.lines().size(), "the two halves cover it all");
        for (String line : early.lines()) {
            assertTrue(Double.parseDouble(line.split(" +")[1].replaceAll("[+s]", "")) <= middle, line);
        }
        for (String line : late.lines()) {
            assertTrue(Double.parseDouble(line.split(" +")[1].replaceAll("[+s]", "")) >= middle, line);
        }

        ToolRun none = tool("dump", sample.dir().toString(), "--errors");
        assertEquals(1, none.status());
        assertEquals("", none.out());
        assertTrue(none.err().matches("replay-tool: no event matches --errors; " + Pattern.quote(
                sample.dir().toString()) + " holds events #0 to #" + (sample.eventCount() - 1) + ", recorded from 0"
                + " s to \\d+\\.\\d{6} s\n"), none.err());

        ToolRun beyond = tool("dump", sample.dir().toString(), "--from=" + sample.eventCount());
        assertEquals(1, beyond.status());
        assertTrue(beyond.err().startsWith("replay-tool: no event matches --from=" + sample.eventCount() + "; "),
                beyond.err());
        ToolRun backwards = tool("dump", sample.dir().toString(), "--from=9", "--to=5");
        assertEquals(2, backwards.status());
        assertEquals("replay-tool: the range is empty: --from=9 is after --to=5\n", backwards.err());
        ToolRun unknown = tool("dump", sample.dir().toString(), "--stream=unix:/no/such.sock#1");
        assertEquals(2, unknown.status());
        assertTrue(unknown.err().startsWith("replay-tool: " + sample.dir() + " has no stream"
                + " 'unix:/no/such.sock#1'; it has: "), unknown.err());
        ToolRun notATime = tool("dump", sample.dir().toString(), "--since=12");
        assertEquals(2, notATime.status());
        assertTrue(notATime.err().contains("'12' is not a time offset: give one such as 12.5s or 800ms"),
                notATime.err());
    }

    @Test
    void dumpErrorsShowsWhatFailedAndWhy() throws Exception {
        Path dir = tmp.resolve("failed-listen");
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                ReplayContext recording = ReplayContext.record(dir, "listener", List.of())) {
            recording.newPollLoop();
            StreamProvider streams = recording.streams(TransportRegistry.standard(TlsConfig.none()));
            assertThrows(IOException.class, () -> streams.listen("ptcp:" + taken.getLocalPort() + ":127.0.0.1"));
            streams.listen("ptcp:0:127.0.0.1").close();
        }
        ToolRun errors = tool("dump", dir.toString(), "--errors");
        assertEquals(0, errors.status(), errors.err());
        assertEquals(1, errors.lines().size(), errors.out());
        assertTrue(errors.out().matches("#0 +\\+\\d+\\.\\d{6}s ptcp:\\d+:127\\.0\\.0\\.1 listen-error \\d+"
                + " java\\.io\\.IOException: ptcp:\\d+:127\\.0\\.0\\.1: cannot listen: Address already in"
                + " use\n"), errors.out());
    }

    @Test
    void aRecordingStillBeingWrittenIsSaidToBeAndNotCalledKilled() throws Exception {
        Path dir = tmp.resolve("running");
        try (ReplayContext recording = ReplayContext.record(dir, "running", List.of())) {
            recording.newPollLoop();
            recording.source("uuid").nextLong();
            ToolRun verify = tool("verify", dir.toString());
            assertEquals(1, verify.status());
            assertTrue(verify.out().contains("the recording is still being written (a running process holds its"
                    + " lock)"), verify.out());
            assertFalse(verify.out().contains("did not end cleanly"), verify.out());
            ToolRun stats = tool("stats", dir.toString());
            assertTrue(stats.out().contains("ended cleanly: no (status recording, still being written by a running"
                    + " process)"), stats.out());
        }
        ToolRun closed = tool("verify", dir.toString());
        assertEquals(0, closed.status(), closed.out());
    }

    @Test
    void dumpDecodesJsonRpcAndWritesJsonLines() throws Exception {
        ToolRun decoded = tool("dump", sample.dir().toString(), "--jsonrpc");
        assertTrue(
                line(decoded, "recv-data")
                        .matches(".* recv-data \\d+ \\{\"id\":0,\"method\":\"add\",\"params\":\\[1]}"),
                line(decoded, "recv-data"));

        ToolRun json = tool("dump", sample.dir().toString(), "--json", "--jsonrpc");
        ObjectMapper mapper = new ObjectMapper();
        List<JsonNode> lines = new ArrayList<>();
        for (String line : json.lines()) {
            lines.add(mapper.readTree(line));
        }
        assertEquals(sample.eventCount(), lines.size());
        JsonNode request = lines.stream().filter(l -> l.path("kind").asText().equals("recv-data")).findFirst()
                .orElseThrow();
        assertEquals("add", request.path("messages").path(0).path("method").asText(), request.toString());
        assertTrue(request.path("file").asText().endsWith(".srr"));
        assertTrue(request.path("offset").asLong() > 0);
        assertTrue(lines.get(0).path("iteration").asBoolean(), "the first event starts the loop's first iteration");
        assertTrue(lines.stream().anyMatch(l -> !l.has("iteration")), "later events of an iteration are not marked");
    }

    @Test
    void statsCountsEventsAndBytesPerStreamAndSaysTheRecordingEndedCleanly() throws Exception {
        ToolRun stats = tool("stats", sample.dir().toString());
        assertEquals(0, stats.status(), stats.err());
        assertTrue(stats.out().contains("program: " + SampleRecording.PROGRAM), stats.out());
        assertTrue(stats.out().matches("(?s).*\ntotal \\(\\d+ files\\) +" + sample.eventCount() + " .*"), stats.out());
        assertTrue(stats.out().contains("busiest seconds:\n  0 s to 1 s: "), stats.out());
        assertTrue(stats.out().matches("(?s).*\nloop iterations: [1-9]\\d*, \\d+ of them ticks.*"), stats.out());
        assertTrue(stats.out().endsWith("ended cleanly: yes (status complete)\n"), stats.out());

        JsonNode json = new ObjectMapper().readTree(tool("stats", sample.dir().toString(), "--json").out());
        assertEquals(sample.eventCount(), json.path("total").path("events").asLong());
        long bytesIn = 0;
        for (JsonNode stream : json.path("streams")) {
            bytesIn += stream.path("bytesIn").asLong();
        }
        assertEquals(json.path("total").path("bytesIn").asLong(), bytesIn, "streams add up to the total");
        assertTrue(bytesIn > 0);
        assertTrue(json.path("endedCleanly").asBoolean());
        assertTrue(json.path("iterations").asLong() > 0, json.toString());
    }

    @Test
    void aReplaysSummaryCountsTheEventsStreamsAndBytesThatStatsAndDumpCount() throws Exception {
        String summary;
        try (LogCapture log = LogCapture.of("io.streamreplay.replay.Replay")) {
            ReplayContext replay = ReplayContext.replay(sample.dir(), SampleRecording.PROGRAM);
            CounterServer server = new CounterServer(replay, TransportRegistry.standard(TlsConfig.none()),
                    sample.remotes(), sample.control());
            server.runUntilExit();
            replay.close();
            summary = log.lines().stream().filter(l -> l.contains(" finished: ")).findFirst().orElseThrow(
                    () -> new AssertionError("no summary in " + log.lines()));
        }
        Matcher counts = Pattern.compile("finished: (\\d+) events of (\\d+) streams \\((\\d+) bytes received\\)")
                .matcher(summary);
        assertTrue(counts.find(), summary);

        JsonNode stats = new ObjectMapper().readTree(tool("stats", sample.dir().toString(), "--json").out());
        assertEquals(stats.path("total").path("events").asLong(), Long.parseLong(counts.group(1)), summary);
        assertEquals(stats.path("streams").size(), Integer.parseInt(counts.group(2)), summary);
        assertEquals(stats.path("total").path("bytesIn").asLong(), Long.parseLong(counts.group(3)), summary);
        ToolRun dump = tool("dump", sample.dir().toString());
        assertEquals(dump.lines().size(), Long.parseLong(counts.group(1)), "dump prints one line per event");
        assertEquals(dump.lines().stream().map(l -> l.split(" +")[2]).distinct().count(),
                Integer.parseInt(counts.group(2)), "dump names each stream");
    }

    @Test
    void verifyPassesAnIntactRecordingAndNamesEveryProblemOfADamagedOne() throws Exception {
        ToolRun intact = tool("verify", sample.dir().toString());
        assertEquals(0, intact.status(), intact.out());
        assertEquals(sample.dir() + ": complete and intact: " + sample.eventCount() + " events in ",
                intact.out().substring(0, intact.out().indexOf(" events in ") + 11));

        Path dir = sample.copyTo(tmp.resolve("copy"));
        Path client;
        try (var files = Files.list(dir)) {
            client = files.filter(f -> f.getFileName().toString().matches("\\d{8}-unix-.*")).sorted().findFirst()
                    .orElseThrow();
        }
        byte[] bytes = Files.readAllBytes(client);
        // Inside a message the client sent, so inside a block's records whatever the blocks' sizes: the damage is
        // then the block's checksum's to find, never its head's.
        bytes[payloadByteAfter(bytes, bytes.length / 2)] ^= 1;
        Files.write(client, bytes);
        Path manifest = dir.resolve("manifest.json");
        Files.writeString(manifest, Files.readString(manifest).replace("\"complete\"", "\"recording\""));

        ToolRun damaged = tool("verify", dir.toString());
        assertEquals(1, damaged.status());
        assertTrue(damaged.out().contains("problem: " + client + " at offset "), damaged.out());
        assertTrue(damaged.out().contains("checksum mismatch"), damaged.out());
        assertTrue(damaged.out().contains("problem: events #"), "the lost events are named: " + damaged.out());
        assertTrue(damaged.out().contains("problem: " + manifest + ": the recording did not end cleanly"),
                damaged.out());

        Files.delete(manifest);
        ToolRun foreign = tool("verify", dir.toString());
        assertEquals(1, foreign.status());
        assertEquals("replay-tool: " + manifest + ": no manifest: " + dir + " is not a recording directory\n",
                foreign.err());
    }

    /** The offset of the first byte of a JSON-RPC message in {@code file} at or after {@code from}. */
    private static int payloadByteAfter(byte[] file, int from) {
        byte[] marker = "\"method\"".getBytes(StandardCharsets.US_ASCII);
        for (int i = from; i + marker.length <= file.length; i++) {
            if (Arrays.equals(file, i, i + marker.length, marker, 0, marker.length)) {
                return i + 1;
            }
        }
        throw new AssertionError("no request in the second half of the file");
    }

    @Test
    void verifyAndStatsSayARecordingTruncatedAtItsBoundIsIntactAndNameTheBound() throws Exception {
        SampleRecording bounded = SampleRecording.make(tmp.resolve("bounded"), 2, 3,
                RecordingBounds.NONE.withMaxEvents(20));
        ToolRun verify = tool("verify", bounded.dir().toString());
        assertEquals(0, verify.status(), verify.out());
        assertTrue(verify.out().startsWith(bounded.dir() + ": intact, truncated by --replay-record-max-events=20"
                + " after event #19: 20 events in "), verify.out());
        ToolRun stats = tool("stats", bounded.dir().toString());
        assertEquals(0, stats.status(), stats.err());
        assertTrue(stats.out().endsWith("ended cleanly: yes (status truncated by --replay-record-max-events=20 after"
                + " event #19; the recorded process went on unrecorded)\n"), stats.out());
        JsonNode json = new ObjectMapper().readTree(tool("stats", bounded.dir().toString(), "--json").out());
        assertEquals("truncated", json.path("status").asText());
        assertEquals("--replay-record-max-events=20", json.path("truncatedBy").asText());
        assertEquals(19, json.path("lastEvent").asLong());
        assertEquals(20, json.path("total").path("events").asLong());
    }

    @Test
    void badCommandLinesExitWithStatusTwo() {
        assertEquals(2, tool("dump").status(), "the directory is required");
        assertEquals(2, tool("timeline", sample.dir().toString()).status(), "--out is required");
        assertEquals(2, tool("frobnicate").status());
    }

    @Test
    void timelineWritesOneSelfContainedPageWithTheChartLibraryAndTheData() throws Exception {
        Path page = tmp.resolve("timeline.html");
        ToolRun timeline = tool("timeline", sample.dir().toString(), "--out=" + page);
        assertEquals(0, timeline.status(), timeline.err());
        String html = Files.readString(page);
        assertTrue(html.contains("Chart.js v4"), "Chart.js is inlined");
        assertTrue(!html.contains("<script src"), "nothing is loaded from elsewhere");
        assertTrue(html.contains("\"events\":" + sample.eventCount()), "the summary counts every event");
        assertTrue(html.contains(SampleRecording.PROGRAM));

        Path nowhere = tmp.resolve("no-such-dir").resolve("timeline.html");
        ToolRun unwritable = tool("timeline", sample.dir().toString(), "--out=" + nowhere);
        assertEquals(1, unwritable.status());
        assertEquals("replay-tool: cannot write " + nowhere + ": directory " + nowhere.getParent()
                + " does not exist\n", unwritable.err());
    }

    private static String line(ToolRun run, String containing) {
        return run.lines().stream().filter(l -> l.contains(containing)).findFirst()
                .orElseThrow(() -> new AssertionError("no line with '" + containing + "' in:\n" + run.out()));
    }

    private static ToolRun tool(String... args) {
        return ToolRun.of(args);
    }
}
