package io.streamreplay.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamreplay.client.ClientProcess.Result;
import io.streamreplay.dbserver.testing.OpenVswitchServer;
import io.streamreplay.dbserver.testing.OpenVswitchTools;
import io.streamreplay.dbserver.testing.ServerProcess;
import io.streamreplay.jsonrpc.Json;
import io.streamreplay.testing.Programs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code uuid} preset of {@code bench}, run as a process against a real sample-db-server and against Open
 * vSwitch's ovsdb-server: both accept its {@code _uuid} conditions, and both end with the table the standard preset
 * leaves.
 */
class BenchPresetIT {

    @TempDir
    Path dir;

    private Result ok(String... args) throws Exception {
        Result result = ClientProcess.run(dir, args);
        assertEquals(0, result.status(), String.join(" ", args) + ":\n" + result.err());
        return result;
    }

    @Test
    void theUuidPresetRunsWithoutErrorsOnSampleDbServer() throws Exception {
        ServerProcess.createDatabase(dir, ok("bench", "--print-schema").out());
        try (ServerProcess server = ServerProcess.start(dir, dir.resolve("server.out"), List.of("kv.db",
                "--remote=punix:" + dir.resolve("db.sock")))) {
            server.awaitLine("serving");
            checkUuidPreset("unix:" + dir.resolve("db.sock"));
        }
    }

    @Test
    void theUuidPresetRunsWithoutErrorsOnOpenVswitchsOvsdbServer() throws Exception {
        OpenVswitchTools.ensureInstalled();
        Files.writeString(dir.resolve("kv.ovsschema"), ok("bench", "--print-schema").out());
        Programs.Result created = Programs.exec(dir, List.of("ovsdb-tool", "create", "kv.db", "kv.ovsschema"), 30);
        assertEquals(0, created.status(), created.output());
        try (OpenVswitchServer server = OpenVswitchServer.start(dir, "ovsdb", dir.resolve("kv.db"))) {
            checkUuidPreset(server.remote());
        }
    }

    /**
     * 400 transactions over 2 connections with 2 in flight each (so that updates wait for the inserts they
     * address), one monitor: no errors, every change seen, and the table the standard preset leaves: a quarter of
     * the rows, each updated to a negative value.
     */
    private void checkUuidPreset(String server) throws Exception {
        JsonNode summary = Json.parse(ok("bench", server, "--preset=uuid", "-n", "400", "--connections=2",
                "--in-flight=2", "--monitors=1", "--json", "--no-progress").out());
        assertEquals(400, summary.get("completed").asInt(), summary.toString());
        assertEquals(0, summary.get("errors").asInt(), summary.toString());
        assertEquals("uuid", summary.get("workload").asText());
        assertEquals(400, summary.get("monitor_rows").asInt(), "one row changed per transaction: " + summary);

        JsonNode rows = Json.parse(ok("transact", server, "[\"kvdb\",{\"op\":\"select\",\"table\":\"kv\","
                + "\"where\":[],\"columns\":[\"name\",\"value\"]}]").out()).get(0).get("rows");
        assertEquals(100, rows.size(), rows.toString());
        for (JsonNode row : rows) {
            String name = row.get("name").asText();
            int j = Integer.parseInt(name.substring(name.indexOf('-') + 1));
            assertTrue(name.matches("c[01]-\\d+") && j % 4 == 0, "only the rows inserted at j % 4 == 0 stay: " + name);
            assertEquals(-(j + 2), row.get("value").asInt(), "row " + name + " updated by transaction j + 2");
        }
    }
}
