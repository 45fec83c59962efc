package io.streamreplay.dbserver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamreplay.dbserver.testing.KvDatabase;
import io.streamreplay.dbserver.testing.OvsdbTestClient;
import io.streamreplay.dbserver.testing.ServerProcess;
import io.streamreplay.jsonrpc.Json;
import io.streamreplay.stream.TlsConfig;
import io.streamreplay.testing.LogLines;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --http}: {@code /metrics}, {@code /stats} and {@code /health} of a recording server count its transactions,
 * connections, monitors and recorded events; a replay opens none unless given {@code --http} itself, and then shows
 * its progress; and serving or scraping it changes nothing the replay reproduces.
 */
class StatusEndpointIT {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path dir;

    @Test
    void aRecordingServerServesItsCountersAndTheReplayServesItsProgressOnlyWhenAsked() throws Exception {
        ServerProcess.createDatabase(dir, KvDatabase.SCHEMA);
        List<String> args = List.of("kv.db", "--remote=punix:" + dir.resolve("db.sock"), "--control="
                + dir.resolve("ctl"), "--log-file=server.log", "--http=0", "--replay-record=recording");
        try (ServerProcess server = ServerProcess.start(dir, dir.resolve("record.out"), args)) {
            int port = Integer.parseInt(server.awaitLine("http: serving .* on 127.0.0.1:(\\d+)").group(1));
            server.awaitLine("serving");
            assertEquals(200, get(port, "/health").statusCode());
            try (OvsdbTestClient client = OvsdbTestClient.connect("unix:" + dir.resolve("db.sock"),
                    TlsConfig.none())) {
                for (int i = 0; i < 5; i++) {
                    client.call("transact", "kvdb", Json.parse("{\"op\":\"insert\",\"table\":\"kv\",\"row\":"
                            + "{\"name\":\"k" + i + "\",\"value\":" + i + "}}"));
                }
                JsonNode stats = awaitStats(port, json -> json.path("transactions").asLong() == 5);
                assertEquals(1, stats.get("connections").asLong(), stats.toString());
                assertEquals("record", stats.get("mode").get("name").asText());
                assertTrue(stats.get("mode").get("events").asLong() > 10, stats.toString());
                String metrics = get(port, "/metrics").body();
                assertTrue(metrics.contains("\nsample_db_server_transactions_total 5.0\n"), metrics);
                assertTrue(metrics.contains("\nsample_db_server_connections 1.0\n"), metrics);
            }
            try (OvsdbTestClient control = OvsdbTestClient.connect("unix:" + dir.resolve("ctl"), TlsConfig.none())) {
                control.call("exit");
            }
            assertEquals(0, server.waitFor(30), server.consoleText());
        }

        Path replay = Files.createDirectory(dir.resolve("replay"));
        int status = ServerProcess.run(replay, replay.resolve("replay.out"), List.of("--replay=../recording"), 60);
        assertEquals(0, status, Files.readString(replay.resolve("replay.out")));
        assertFalse(Files.readString(replay.resolve("replay.out")).contains("http: serving"),
                "a replay does not open the recorded run's --http");
        assertEquals(LogLines.withoutTimestamps(dir.resolve("server.log")),
                LogLines.withoutTimestamps(replay.resolve("server.log")));

        Path watched = Files.createDirectory(dir.resolve("watched"));
        try (ServerProcess server = ServerProcess.start(watched, watched.resolve("replay.out"),
                List.of("--replay=../recording", "--http=0", "--replay-stop-at=10"))) {
            int port = Integer.parseInt(server.awaitLine("http: serving .* on 127.0.0.1:(\\d+)").group(1));
            server.awaitLine("stopped at event #10");
            JsonNode stats = awaitStats(port, json -> json.path("mode").path("events").asLong() >= 1);
            assertTrue(stats.get("mode").get("events").asLong() <= 11, stats.toString());
            assertEquals("replay", stats.get("mode").get("name").asText(), stats.toString());
            assertTrue(stats.get("mode").get("recorded_events").asLong() > 11, stats.toString());
        }
    }

    /** A condition on the stats JSON. */
    private interface StatsCheck {
        boolean holds(JsonNode stats);
    }

    private static JsonNode awaitStats(int port, StatsCheck check) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        JsonNode stats = null;
        while (System.nanoTime() < deadline) {
            stats = Json.parse(get(port, "/stats").body());
            if (check.holds(stats)) {
                return stats;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the stats never got there: " + stats);
    }

    private static HttpResponse<String> get(int port, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

}
