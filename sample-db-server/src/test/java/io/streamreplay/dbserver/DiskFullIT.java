package io.streamreplay.dbserver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamreplay.dbserver.testing.OvsdbTestClient;
import io.streamreplay.dbserver.testing.ServerProcess;
import io.streamreplay.jsonrpc.Json;
import io.streamreplay.stream.TlsConfig;
import io.streamreplay.testing.Programs;
import io.streamreplay.testing.Tiers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A recording directory on a real file system that fills up (a 192 KiB tmpfs, mounted by the test as root or
 * through passwordless sudo): by default the server logs one error, marks the recording failed and keeps serving
 * with its database intact; with {@code --replay-record-on-error=exit} it stops with status 5.
 */
@Tag(Tiers.SYSTEM)
class DiskFullIT {

    @TempDir
    Path dir;
    private Path small;

    @BeforeEach
    void mountSmallDisk() throws Exception {
        small = dir.resolve("small");
        Programs.mountSmallDisk(small, 192);
        ServerProcess.createDatabase(dir, RecordReplayIT.SCHEMA);
    }

    @AfterEach
    void unmount() throws Exception {
        Programs.unmount(small);
    }

    private List<String> serverArgs(String... more) {
        List<String> args = new ArrayList<>(List.of("kv.db", "--remote=punix:" + dir.resolve("db.sock"),
                "--control=" + dir.resolve("ctl")));
        args.addAll(List.of(more));
        return args;
    }

    @Test
    void aFullDiskStopsTheRecordingWithOneErrorAndTheServerKeepsServingWithItsDataIntact() throws Exception {
        Path recording = small.resolve("recording");
        int committed = 0;
        try (ServerProcess server = ServerProcess.start(dir, dir.resolve("server.out"),
                serverArgs("--replay-record=" + recording))) {
            server.awaitLine("serving");
            try (OvsdbTestClient client = OvsdbTestClient.connect("unix:" + dir.resolve("db.sock"),
                    TlsConfig.none())) {
                while (!server.consoleText().contains("recording to " + recording + " stopped") && committed < 20_000) {
                    insert(client, committed++);
                }
                for (int i = 0; i < 50; i++) {
                    insert(client, committed++);
                }
            }
            server.requestExit(dir.resolve("ctl"));
            assertEquals(0, server.waitFor(30), server.consoleText());
            String console = server.consoleText();
            assertEquals(1, console.lines().filter(l -> l.contains("|ERROR|")).count(), console);
            assertTrue(console.contains("|ERROR|Recording|recording to " + recording + " stopped after ")
                    && console.contains("No space left on device; the process keeps running unrecorded"), console);
        }
        String manifest = Files.readString(recording.resolve("manifest.json"));
        assertTrue(manifest.contains("\"status\" : \"failed\"") && manifest.contains("No space left on device"),
                manifest);
        List<JsonNode> recorded = RecordReplayIT.records(dir.resolve("kv.db"));
        assertEquals(committed + 1, recorded.size(), "every transaction is in the database, after the disk filled too");

        ServerProcess.restoreDatabase(dir);
        int status = ServerProcess.run(dir, dir.resolve("replay.out"), serverArgs("--replay=" + recording), 60);
        String replay = Files.readString(dir.resolve("replay.out"));
        assertEquals(0, status, replay);
        assertTrue(replay.contains("recording stopped here because writing it failed (No space left on device)"),
                replay);
        List<JsonNode> replayed = RecordReplayIT.records(dir.resolve("kv.db"));
        assertTrue(replayed.size() > 100, "the replay ran up to the failure: " + replayed.size());
        assertEquals(recorded.subList(0, replayed.size()), replayed, "and committed the recorded run's first"
                + " transactions, in order");
    }

    @Test
    void withExitOnErrorAFullDiskStopsTheServerWithStatusFive() throws Exception {
        Path recording = small.resolve("recording");
        try (ServerProcess server = ServerProcess.start(dir, dir.resolve("server.out"),
                serverArgs("--replay-record=" + recording, "--replay-record-on-error=exit"))) {
            server.awaitLine("serving");
            try (OvsdbTestClient client = OvsdbTestClient.connect("unix:" + dir.resolve("db.sock"),
                    TlsConfig.none())) {
                for (int i = 0; i < 20_000; i++) {
                    insert(client, i);
                }
            } catch (IOException e) {
                // The server stopped under the client: expected.
            }
            assertEquals(5, server.waitFor(30), "the documented status; " + server.consoleText());
            assertTrue(server.consoleText().contains("failed (No space left on device) and the process records with"
                    + " --replay-record-on-error=exit: stopping"), server.consoleText());
        }
        assertTrue(Files.readString(recording.resolve("manifest.json")).contains("\"status\" : \"failed\""));
    }

    private static void insert(OvsdbTestClient client, int i) throws Exception {
        JsonNode result = client.call("transact", "kvdb", Json.parse("{\"op\":\"insert\",\"table\":\"kv\",\"row\":"
                + "{\"name\":\"row" + i + "\",\"value\":" + i + "}}"));
        assertTrue(result.get(0).has("uuid"), result.toString());
    }
}
