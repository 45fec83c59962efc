package io.streamreplay.dbserver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamreplay.dbserver.storage.DatabaseFile;
import io.streamreplay.dbserver.testing.KvDatabase;
import io.streamreplay.dbserver.testing.OvsdbTestClient;
import io.streamreplay.dbserver.testing.ServerProcess;
import io.streamreplay.jsonrpc.Json;
import io.streamreplay.stream.TlsConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server that runs out of memory while recording (a 48 MiB heap filled with legitimate rows): it stops with the
 * documented status {@value SampleDbServer#CRASH_STATUS}, its manifest says {@code crashed} with the error rather
 * than {@code complete}, and the recording replays, on a larger heap, to where the process crashed, with status 0.
 */
class FatalErrorIT {

    @TempDir
    Path dir;

    @Test
    void runningOutOfMemoryEndsWithTheDocumentedStatusAndACrashedManifestAndTheRecordingReplaysToTheCrash()
            throws Exception {
        ServerProcess.createDatabase(dir, KvDatabase.SCHEMA);
        List<String> args = List.of("kv.db", "--remote=punix:" + dir.resolve("db.sock"),
                "--control=" + dir.resolve("ctl"));
        List<String> recordArgs = new java.util.ArrayList<>(args);
        recordArgs.add("--replay-record=recording");
        String row = "x".repeat(1 << 20);
        int committed = 0;
        try (ServerProcess server = ServerProcess.start(dir, dir.resolve("record.out"), List.of("-Xmx48m"),
                recordArgs)) {
            server.awaitLine("serving \\[");
            try (OvsdbTestClient client = OvsdbTestClient.connect("unix:" + dir.resolve("db.sock"),
                    TlsConfig.none())) {
                for (int i = 0; i < 500; i++) {
                    JsonNode result = client.call("transact", "kvdb", Json.parse("{\"op\":\"insert\",\"table\":\"kv\","
                            + "\"row\":{\"name\":\"row" + i + "\",\"tags\":[\"set\",[\"" + row + "\"]]}}"));
                    assertEquals(1, result.size(), result.toString());
                    committed++;
                }
            } catch (IOException e) {
                // The server died under the client: what this test is about.
            }
            assertEquals(SampleDbServer.CRASH_STATUS, server.waitFor(60), server.consoleText());
            assertTrue(server.consoleText().contains("|ERROR|SampleDbServer|stopping on an internal error:"
                    + " java.lang.OutOfMemoryError"), server.consoleText());
        }
        assertTrue(committed > 5 && committed < 500, "the heap filled up after " + committed + " rows");
        JsonNode manifest = Json.parse(Files.readString(dir.resolve("recording").resolve("manifest.json")));
        assertEquals("crashed", manifest.get("status").asText(), manifest.toString());
        assertTrue(manifest.get("error").asText().startsWith("java.lang.OutOfMemoryError"), manifest.toString());
        List<JsonNode> recorded = DatabaseFile.recordsWithoutDates(dir.resolve("kv.db"));
        assertEquals(1 + committed, recorded.size(), "every acknowledged row is in the file");

        ServerProcess.restoreDatabase(dir);
        List<String> replayArgs = new java.util.ArrayList<>(args);
        replayArgs.add("--replay=recording");
        int status;
        try (ServerProcess replay = ServerProcess.start(dir, dir.resolve("replay.out"), List.of("-Xmx512m"),
                replayArgs)) {
            status = replay.waitFor(120);
        }
        String output = Files.readString(dir.resolve("replay.out"));
        assertEquals(0, status, output);
        assertTrue(output.contains("; the recorded process crashed here (java.lang.OutOfMemoryError"), output);
        List<JsonNode> replayed = DatabaseFile.recordsWithoutDates(dir.resolve("kv.db"));
        assertTrue(replayed.size() >= recorded.size() && replayed.size() <= recorded.size() + 1,
                "the replay commits what the recorded run did, and perhaps the request it died handling: "
                        + replayed.size() + " records against " + recorded.size());
        assertEquals(recorded, replayed.subList(0, recorded.size()));
    }
}
