package io.streamreplay.dbserver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamreplay.dbserver.storage.DatabaseFile;
import io.streamreplay.dbserver.testing.KvDatabase;
import io.streamreplay.dbserver.testing.OpenVswitchTools;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real file systems that fill up (small tmpfs mounts, made by the test as root or through passwordless sudo).
 *
 * <p>A recording directory: by default the server logs one error, marks the recording failed with the number of
 * events written, and keeps serving with its database intact; with {@code --replay-record-on-error=exit} it stops
 * with status 5. A disk too full for the manifest's reserve fails the recording at once. The database file: a
 * write that fails is cut off again, as Open vSwitch does, so no acknowledged transaction is lost and the file stays
 * readable by the server and by {@code ovsdb-tool}.
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
        ServerProcess.createDatabase(dir, KvDatabase.SCHEMA);
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
        long written = Json.parse(manifest).get("events").asLong();
        Matcher ended = Pattern.compile("recording to \\S+ ended: (\\d+) events").matcher(
                Files.readString(dir.resolve("server.out")));
        assertTrue(ended.find());
        assertEquals(written, Long.parseLong(ended.group(1)), "the closing line counts the events written, as the"
                + " manifest does, not those that came after the failure");
        List<JsonNode> recorded = DatabaseFile.recordsWithoutDates(dir.resolve("kv.db"));
        assertEquals(committed + 1, recorded.size(), "every transaction is in the database, after the disk filled too");

        ServerProcess.restoreDatabase(dir);
        int status = ServerProcess.run(dir, dir.resolve("replay.out"), serverArgs("--replay=" + recording), 60);
        String replay = Files.readString(dir.resolve("replay.out"));
        assertEquals(0, status, replay);
        assertTrue(replay.contains("reached after " + written + " events; recording stopped here because writing it"
                + " failed (No space left on device)"), "the replay ends exactly where the manifest says:\n" + replay);
        List<JsonNode> replayed = DatabaseFile.recordsWithoutDates(dir.resolve("kv.db"));
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

    @Test
    void aDiskWithoutRoomForTheManifestsReserveFailsTheRecordingAtOnceAndItsReplayEndsThereWithStatusZero()
            throws Exception {
        // 64 KiB, 48 of them taken: 16 KiB left, of which the manifest takes one page before its reserve.
        Programs.unmount(small);
        Programs.mountSmallDisk(small, 64);
        Files.write(small.resolve("filler"), new byte[48 * 1024]);
        Path recording = small.resolve("recording");
        try (ServerProcess server = ServerProcess.start(dir, dir.resolve("server.out"),
                serverArgs("--replay-record=" + recording))) {
            server.awaitLine("serving");
            try (OvsdbTestClient client = OvsdbTestClient.connect("unix:" + dir.resolve("db.sock"),
                    TlsConfig.none())) {
                for (int i = 0; i < 10; i++) {
                    insert(client, i);
                }
            }
            server.requestExit(dir.resolve("ctl"));
            assertEquals(0, server.waitFor(30), server.consoleText());
            assertTrue(server.consoleText().contains("|ERROR|Recording|recording to " + recording + " stopped after 0"
                    + " events: no room to keep 16384 bytes in reserve for the manifest (the disk is nearly full); the"
                    + " process keeps running unrecorded"), server.consoleText());
            assertTrue(server.consoleText().contains("recording to " + recording + " ended: 0 events in 0 files"),
                    server.consoleText());
        }
        JsonNode manifest = Json.parse(Files.readString(recording.resolve("manifest.json")));
        assertEquals("failed", manifest.get("status").asText(), manifest.toString());
        assertEquals(0, manifest.get("events").asLong());
        assertEquals(11, DatabaseFile.recordsWithoutDates(dir.resolve("kv.db")).size(), "the server served unrecorded");

        ServerProcess.restoreDatabase(dir);
        int status = ServerProcess.run(dir, dir.resolve("replay.out"), serverArgs("--replay=" + recording), 60);
        String replay = Files.readString(dir.resolve("replay.out"));
        assertEquals(0, status, replay);
        assertTrue(replay.contains("reached after 0 events; recording stopped here because writing it failed (no room"
                + " to keep 16384 bytes in reserve for the manifest"), replay);
        assertFalse(replay.contains("killed"), replay);

        Path again = small.resolve("again");
        int exit = ServerProcess.run(dir, dir.resolve("exit.out"), serverArgs("--replay-record=" + again,
                "--replay-record-on-error=exit"), 60);
        assertEquals(5, exit, "under --replay-record-on-error=exit, at once: " + Files.readString(dir.resolve(
                "exit.out")));
        assertEquals(1, DatabaseFile.recordsWithoutDates(dir.resolve("kv.db")).size(), "before serving anything");
    }

    @Test
    void aDatabaseOnAFullDiskLosesNoAcknowledgedTransactionAndStaysReadableByOvsdbTool() throws Exception {
        OpenVswitchTools.ensureInstalled();
        Programs.unmount(small);
        Programs.mountSmallDisk(small, 256);
        Files.copy(dir.resolve("pristine.db"), small.resolve("kv.db"));
        Path filler = Files.write(small.resolve("filler"), new byte[32 * 1024]);
        List<String> args = List.of(small.resolve("kv.db").toString(), "--remote=punix:" + dir.resolve("db.sock"),
                "--control=" + dir.resolve("ctl"));
        String row = "x".repeat(3000);
        int acknowledged = 0;
        int refused = 0;
        try (ServerProcess server = ServerProcess.start(dir, dir.resolve("server.out"), args)) {
            server.awaitLine("serving");
            try (OvsdbTestClient client = OvsdbTestClient.connect("unix:" + dir.resolve("db.sock"),
                    TlsConfig.none())) {
                for (int i = 0; i < 1000 && refused == 0; i++) {
                    JsonNode result = transact(client, "row" + i, row);
                    if (result.size() == 1) {
                        acknowledged++;
                    } else {
                        // A commit that fails adds its error after the operations' results (RFC 7047, 4.1.3).
                        assertEquals("I/O error", result.get(1).path("error").asText(), result.toString());
                        refused++;
                    }
                }
                assertEquals(1, refused, "the disk filled up (" + acknowledged + " acknowledged):\n"
                        + server.consoleText());
                assertTrue(acknowledged > 40, "about 200 KiB of rows: " + acknowledged);
                Files.delete(filler);
                for (int i = 0; i < 3; i++) {
                    JsonNode result = transact(client, "after" + i, row);
                    assertEquals(1, result.size(), "room again: " + result);
                    acknowledged++;
                }
            }
            server.requestExit(dir.resolve("ctl"));
            assertEquals(0, server.waitFor(30), server.consoleText());
        }
        Programs.Result log = Programs.exec(dir, List.of("ovsdb-tool", "show-log", small.resolve("kv.db")
                .toString()), 30);
        assertEquals(0, log.status(), log.output());
        assertEquals(1 + acknowledged, log.output().lines().filter(l -> l.matches("record \\d+:.*")).count(),
                "ovsdb-tool reads the schema and every acknowledged transaction:\n" + log.output());

        try (ServerProcess server = ServerProcess.start(dir, dir.resolve("restart.out"), args)) {
            server.awaitLine("serving");
            try (OvsdbTestClient client = OvsdbTestClient.connect("unix:" + dir.resolve("db.sock"),
                    TlsConfig.none())) {
                JsonNode rows = client.call("transact", "kvdb", Json.parse("{\"op\":\"select\",\"table\":\"kv\","
                        + "\"where\":[],\"columns\":[\"name\"]}"));
                assertEquals(acknowledged, rows.get(0).get("rows").size(), "every acknowledged transaction is there");
            }
            server.requestExit(dir.resolve("ctl"));
            assertEquals(0, server.waitFor(30), server.consoleText());
            assertFalse(server.consoleText().contains("|WARN |") || server.consoleText().contains("|ERROR|"),
                    "the file opens cleanly, with nothing to discard:\n" + server.consoleText());
        }
    }

    private static JsonNode transact(OvsdbTestClient client, String name, String value) throws Exception {
        return client.call("transact", "kvdb", Json.parse("{\"op\":\"insert\",\"table\":\"kv\",\"row\":"
                + "{\"name\":\"" + name + "\",\"tags\":[\"set\",[\"" + value + "\"]]}}"));
    }

    private static void insert(OvsdbTestClient client, int i) throws Exception {
        JsonNode result = client.call("transact", "kvdb", Json.parse("{\"op\":\"insert\",\"table\":\"kv\",\"row\":"
                + "{\"name\":\"row" + i + "\",\"value\":" + i + "}}"));
        assertTrue(result.get(0).has("uuid"), result.toString());
    }
}
