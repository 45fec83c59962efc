package io.streamreplay.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamreplay.dbserver.testing.OvsdbTestClient;
import io.streamreplay.dbserver.testing.ServerProcess;
import io.streamreplay.jsonrpc.Json;
import io.streamreplay.stream.TlsConfig;
import io.streamreplay.testing.Programs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A recording client that runs out of memory (a 24 MiB heap asked to dump 24 MiB of rows): its recording says
 * {@code crashed}, with the error, never {@code complete}, and it exits with status 1 and one "internal error" line.
 */
class ClientCrashIT {

    @TempDir
    Path dir;

    @Test
    void aClientThatRunsOutOfMemoryLeavesARecordingThatSaysItCrashed() throws Exception {
        Files.writeString(dir.resolve("kv.ovsschema"), ClientProcess.run(dir, "bench", "--print-schema").out());
        assertEquals(0, ServerProcess.run(dir, dir.resolve("create.out"), List.of("create", "kv.db",
                "kv.ovsschema"), 30));
        String unix = "unix:" + dir.resolve("db.sock");
        try (ServerProcess server = ServerProcess.start(dir, dir.resolve("server.out"), List.of("-Xmx512m"),
                List.of("kv.db", "--remote=punix:" + dir.resolve("db.sock"), "--control=" + dir.resolve("ctl")))) {
            server.awaitLine("serving \\[");
            try (OvsdbTestClient client = OvsdbTestClient.connect(unix, TlsConfig.none())) {
                for (int i = 0; i < 24; i++) {
                    JsonNode result = client.call("transact", "kvdb", Json.parse("{\"op\":\"insert\",\"table\":"
                            + "\"kv\",\"row\":{\"name\":\"" + i + "x".repeat(1 << 20) + "\"}}"));
                    assertEquals(1, result.size(), result.toString());
                }
            }
            Programs.Result dump = Programs.exec(dir, List.of(ServerProcess.java(), "-Xmx24m", "-jar",
                    ClientProcess.JAR.toString(), "dump", unix, "kvdb", "--replay-record=recording"), 120);
            assertEquals(ClientException.FAILED, dump.status(), dump.output());
            assertTrue(dump.output().contains("sample-client: internal error: java.lang.OutOfMemoryError"),
                    dump.output());
            server.requestExit(dir.resolve("ctl"));
            assertEquals(0, server.waitFor(30), server.consoleText());
        }
        JsonNode manifest = Json.parse(Files.readString(dir.resolve("recording").resolve("manifest.json")));
        assertEquals("crashed", manifest.get("status").asText(), manifest.toString());
        assertTrue(manifest.get("error").asText().startsWith("java.lang.OutOfMemoryError"), manifest.toString());
    }
}
