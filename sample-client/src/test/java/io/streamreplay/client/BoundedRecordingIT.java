package io.streamreplay.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamreplay.client.ClientProcess.Result;
import io.streamreplay.dbserver.storage.DatabaseFile;
import io.streamreplay.dbserver.testing.ServerProcess;
import io.streamreplay.jsonrpc.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * sample-db-server recorded under {@code --replay-record-max-size} while {@code sample-client bench} runs the
 * standard workload: the recording stops at its bound with one warning, the server serves on, and the replay runs
 * up to the bound and ends with status 0, saying why, its database a prefix of the recorded run's.
 */
class BoundedRecordingIT {

    private static final long BOUND = 64 * 1024;

    @TempDir
    Path dir;

    @Test
    void aServerRecordedUnderASizeBoundServesOnAndItsReplayEndsAtTheBoundWithStatusZero() throws Exception {
        Files.writeString(dir.resolve("kv.ovsschema"), ClientProcess.run(dir, "bench", "--print-schema").out());
        assertEquals(0, ServerProcess.run(dir, dir.resolve("create.out"), List.of("create", "kv.db",
                "kv.ovsschema"), 30));
        Path recording = dir.resolve("recording");
        String unix = "unix:" + dir.resolve("db.sock");
        try (ServerProcess server = ServerProcess.start(dir, dir.resolve("server.out"), List.of("kv.db",
                "--remote=punix:" + dir.resolve("db.sock"), "--control=" + dir.resolve("ctl"),
                "--replay-record=" + recording, "--replay-record-max-size=64K"))) {
            server.awaitLine("serving");
            Result bench = ClientProcess.run(dir, "bench", unix, "--preset=standard", "-n", "2000",
                    "--connections=2", "--monitors=1", "--no-progress", "--json");
            assertEquals(0, bench.status(), bench.err());
            JsonNode summary = Json.parse(bench.out());
            assertEquals(2000, summary.path("completed").asLong(), "the server served the whole bench: " + summary);
            assertEquals(0, summary.path("errors").asLong(), summary.toString());
            Result after = ClientProcess.run(dir, "transact", unix,
                    "[\"kvdb\",{\"op\":\"insert\",\"table\":\"kv\",\"row\":{\"name\":\"after\",\"value\":1}}]");
            assertEquals(0, after.status(), "and goes on serving: " + after.err());
            server.requestExit(dir.resolve("ctl"));
            assertEquals(0, server.waitFor(30), server.consoleText());
            String console = server.consoleText();
            List<String> warnings = console.lines().filter(l -> l.contains("|WARN |")).toList();
            assertEquals(1, warnings.size(), console);
            assertTrue(warnings.get(0).contains("|Recording|recording to " + recording + " reached its bound"
                    + " --replay-record-max-size=64K and stopped after "), warnings.get(0));
            assertTrue(warnings.get(0).endsWith("; the process keeps running unrecorded"), warnings.get(0));
        }
        JsonNode manifest = Json.parse(Files.readString(recording.resolve("manifest.json")));
        assertEquals("truncated", manifest.path("status").asText(), manifest.toString());
        assertEquals("--replay-record-max-size=64K", manifest.path("truncatedBy").asText());
        long events = manifest.path("events").asLong();
        assertEquals(events - 1, manifest.path("lastEvent").asLong());
        assertTrue(replayFileBytes(recording) <= BOUND, "the replay files stay within the bound");
        assertTrue(replayFileBytes(recording) > BOUND - 4096, "and fill it up to about one event");

        Path replayDir = Files.createDirectories(dir.resolve("replay"));
        int status = ServerProcess.run(replayDir, replayDir.resolve("replay.out"), List.of("--replay=" + recording),
                120);
        String replay = Files.readString(replayDir.resolve("replay.out"));
        assertEquals(0, status, replay);
        assertTrue(replay.contains("reached after " + events + " events; the recording was truncated here by"
                + " --replay-record-max-size=64K (the recorded process went on unrecorded)"), replay);
        List<JsonNode> recorded = DatabaseFile.recordsWithoutDates(dir.resolve("kv.db"));
        List<JsonNode> replayed = DatabaseFile.recordsWithoutDates(replayDir.resolve("kv.db"));
        assertTrue(replayed.size() > 50 && replayed.size() < recorded.size() - 1000,
                "the replay committed the transactions before the bound: " + replayed.size() + " of "
                        + recorded.size());
        assertEquals(recorded.subList(0, replayed.size()), replayed, "the recorded run's first transactions, in order");
    }

    private static long replayFileBytes(Path recording) throws Exception {
        long total = 0;
        try (Stream<Path> files = Files.list(recording)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".srr")).toList()) {
                total += Files.size(file);
            }
        }
        return total;
    }
}
