package io.streamreplay.dbserver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamreplay.dbserver.testing.Conditions;
import io.streamreplay.dbserver.testing.KvDatabase;
import io.streamreplay.dbserver.testing.OvsdbTestClient;
import io.streamreplay.dbserver.testing.ServerProcess;
import io.streamreplay.dbserver.testing.TableContents;
import io.streamreplay.jsonrpc.Json;
import io.streamreplay.stream.TlsConfig;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Failover of a replicated pair: the active server is killed with SIGKILL; the backup keeps serving reads, refuses
 * writes, and keeps reconnecting with backoff (1, 2, 4, 8 s, as Open vSwitch's reconnect does, measured from its
 * log); {@code ovsdb-server/disconnect-active-ovsdb-server} makes it active and it accepts writes; the old active,
 * restarted with {@code --sync-from} the new one, becomes its backup and catches up. A backup that cannot replicate
 * (from itself, or from a server that serves none of its databases) becomes active, as ovsdb-server's does; an
 * active that stops answering is probed, dropped, and connected to again.
 */
class FailoverIT {

    /** The waits between reconnection attempts after the active is lost, in milliseconds. */
    private static final long[] BACKOFF = {1000, 2000, 4000, 8000};
    /** How much later than due an attempt may come on a loaded machine. */
    private static final long LATE_MILLIS = 1500;
    /**
     * How much earlier than due the log may show an attempt: the backoff runs from the loop's clock reading of the
     * iteration that saw the failure, and the log line is stamped when it is written, later in that iteration (by
     * tens of milliseconds on a loaded machine: 29 ms was seen). An attempt made without its backoff would be a
     * second early or more.
     */
    private static final long LOG_SKEW_MILLIS = 100;

    @TempDir
    Path dir;

    @Test
    void theBackupServesReadsReconnectsWithBackoffIsPromotedAndTheOldActiveRejoinsAsItsBackup() throws Exception {
        ServerProcess.createDatabase(dir, KvDatabase.SCHEMA);
        Files.copy(dir.resolve("kv.db"), dir.resolve("a.db"));
        Files.copy(dir.resolve("kv.db"), dir.resolve("b.db"));
        String a = "unix:" + dir.resolve("a.sock");
        String b = "unix:" + dir.resolve("b.sock");
        try (ServerProcess active = start("a");
                ServerProcess backup = start("b", "--sync-from=" + a)) {
            awaitStatus("b", "replicating: " + a);
            for (int i = 0; i < 5; i++) {
                insert(a, "before-" + i);
            }
            String before = TableContents.of(a, "kvdb", "kv");
            Conditions.await(() -> TableContents.of(b, "kvdb", "kv"), before::equals, 30, "the backup to catch up");

            active.kill();
            Instant killed = Instant.now();
            assertEquals(before, TableContents.of(b, "kvdb", "kv"), "reads from the backup after the kill");
            assertEquals("not allowed", insertError(b), "a write to the backup after the kill");
            List<Instant> attempts = Conditions.await(() -> attempts(dir.resolve("b.log"), a),
                    found -> found.size() >= BACKOFF.length + 1, 40, "the backup's reconnection attempts");
            StringBuilder timeline = new StringBuilder("failover timeline (from b.log): active killed at " + killed
                    + "\n  " + attempts.get(0) + " connection lost\n");
            for (int i = 1; i <= BACKOFF.length; i++) {
                long interval = Duration.between(attempts.get(i - 1), attempts.get(i)).toMillis();
                timeline.append("  ").append(attempts.get(i)).append(" attempt ").append(i).append(" failed, ")
                        .append(interval).append(" ms after the previous event\n");
                assertTrue(interval >= BACKOFF[i - 1] - LOG_SKEW_MILLIS && interval <= BACKOFF[i - 1] + LATE_MILLIS,
                        "attempt " + i + " came " + interval + " ms after the one before, not " + BACKOFF[i - 1]
                                + "\n" + timeline);
            }
            System.out.print(timeline);
            assertEquals(before, TableContents.of(b, "kvdb", "kv"), "reads from the backup while it reconnects");

            assertEquals("", control("b", "ovsdb-server/disconnect-active-ovsdb-server"));
            assertEquals("state: active\n", control("b", "ovsdb-server/sync-status"));
            insert(b, "after-promotion");

            try (ServerProcess rejoined = start("a", "--sync-from=" + b)) {
                awaitStatus("a", "replicating: " + b);
                String after = TableContents.of(b, "kvdb", "kv");
                assertTrue(after.contains("after-promotion"), after);
                Conditions.await(() -> TableContents.of(a, "kvdb", "kv"), after::equals, 30,
                        "the old active to hold the new active's rows");
                assertEquals("not allowed", insertError(a), "a write to the old active, now a backup");
                insert(b, "after-rejoin");
                String last = TableContents.of(b, "kvdb", "kv");
                Conditions.await(() -> TableContents.of(a, "kvdb", "kv"), last::equals, 30,
                        "the old active to follow the new one");
                control("a", "exit");
                assertEquals(0, rejoined.waitFor(30), rejoined.consoleText());
            }
            control("b", "exit");
            assertEquals(0, backup.waitFor(30), backup.consoleText());
        }
    }

    @Test
    @SuppressWarnings("try") // the servers are held running for the duration, not used
    void aBackupThatCannotReplicateBecomesActive() throws Exception {
        ServerProcess.createDatabase(dir, KvDatabase.SCHEMA);
        Files.copy(dir.resolve("kv.db"), dir.resolve("a.db"));
        Files.writeString(dir.resolve("other.ovsschema"), KvDatabase.SCHEMA.replace("\"kvdb\"", "\"other\""));
        assertEquals(0, ServerProcess.run(dir, dir.resolve("create.out"), List.of("create", "b.db",
                "other.ovsschema"), 30));
        try (ServerProcess self = start("a", "--sync-from=unix:" + dir.resolve("a.sock"));
                ServerProcess other = start("b", "--sync-from=unix:" + dir.resolve("a.sock"))) {
            awaitStatus("a", "state: active");
            assertTrue(Files.readString(dir.resolve("a.log")).contains("replication failed: Server ID check"
                    + " failed: Self replicating is not allowed"));
            awaitStatus("b", "state: active");
            assertTrue(Files.readString(dir.resolve("b.log")).contains("nothing to replicate"));
            insert("unix:" + dir.resolve("a.sock"), "accepted");
        }
    }

    @Test
    @SuppressWarnings("try") // the server is held running for the duration, not used
    void aSilentActiveIsProbedDroppedAndTriedAgain() throws Exception {
        ServerProcess.createDatabase(dir, KvDatabase.SCHEMA);
        Files.copy(dir.resolve("kv.db"), dir.resolve("b.db"));
        try (ServerSocket silent = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
                ServerProcess backup = start("b", "--active", "--sync-from=tcp:127.0.0.1:" + silent
                        .getLocalPort())) {
            silent.setSoTimeout(20_000);
            assertEquals("", control("b", "ovsdb-server/set-active-ovsdb-server-probe-interval", "300"));
            assertEquals("", control("b", "ovsdb-server/connect-active-ovsdb-server"));
            try (Socket connection = silent.accept()) {
                long connected = System.nanoTime();
                connection.setSoTimeout(20_000);
                MappingIterator<JsonNode> messages = new ObjectMapper().readerFor(JsonNode.class).readValues(
                        connection.getInputStream());
                assertEquals("get_server_id", messages.next().get("method").asText());
                JsonNode probe = messages.next();
                long probedAfter = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - connected);
                assertEquals("echo", probe.get("method").asText(), probe.toString());
                assertTrue(probedAfter >= 250, "probed after " + probedAfter + " ms of silence, not 300");
                assertFalse(messages.hasNext(), "the backup drops a silent active");
            }
            Conditions.await(() -> Files.readString(dir.resolve("b.log")), log -> log.contains(
                    "no response to inactivity probe after 0.3 seconds, disconnecting"), 30, "the probe's log line");
            try (Socket again = silent.accept()) {
                again.setSoTimeout(20_000);
                MappingIterator<JsonNode> messages = new ObjectMapper().readerFor(JsonNode.class).readValues(
                        again.getInputStream());
                JsonNode request = messages.next();
                assertEquals("get_server_id", request.get("method").asText(), "replication starts again");
            }
            assertEquals("state: backup\nconnecting: tcp:127.0.0.1:" + silent.getLocalPort() + "\n",
                    control("b", "ovsdb-server/sync-status"));
        }
    }

    private ServerProcess start(String name, String... options) throws Exception {
        List<String> args = new ArrayList<>(List.of(name + ".db", "--remote=punix:" + dir.resolve(name + ".sock"),
                "--control=" + dir.resolve(name + ".ctl"), "--log-file=" + dir.resolve(name + ".log")));
        args.addAll(List.of(options));
        Files.deleteIfExists(dir.resolve(name + ".out"));
        ServerProcess server = ServerProcess.start(dir, dir.resolve(name + ".out"), args);
        server.awaitLine("serving");
        return server;
    }

    /**
     * When the backup lost its connection to {@code active}, then each failed attempt to connect again after it,
     * as its log says.
     */
    private static List<Instant> attempts(Path log, String active) throws Exception {
        List<Instant> times = new ArrayList<>();
        for (String line : Files.readAllLines(log)) {
            boolean lost = line.contains(active + ": connection closed by peer") || line.contains(active
                    + ": connection dropped");
            if (lost) {
                times.clear();
            }
            if (lost || line.contains(active + ": connection attempt failed")) {
                times.add(Instant.parse(line.substring(0, line.indexOf('|'))));
            }
        }
        return times;
    }

    private String control(String server, String... command) throws Exception {
        try (OvsdbTestClient client = OvsdbTestClient.connect("unix:" + dir.resolve(server + ".ctl"),
                TlsConfig.none())) {
            List<Object> params = new ArrayList<>(List.of(command).subList(1, command.length));
            return client.call(command[0], params.toArray()).asText();
        }
    }

    private void awaitStatus(String server, String text) throws Exception {
        Conditions.await(() -> control(server, "ovsdb-server/sync-status"), status -> status.contains(text), 30,
                server + " to report " + text);
    }

    private static void insert(String remote, String name) throws Exception {
        try (OvsdbTestClient client = OvsdbTestClient.connect(remote, TlsConfig.none())) {
            JsonNode result = client.call("transact", "kvdb", Json.parse("{\"op\":\"insert\",\"table\":\"kv\","
                    + "\"row\":{\"name\":\"" + name + "\",\"value\":1}}"));
            assertTrue(result.get(0).has("uuid"), result.toString());
        }
    }

    /** The error tag a write to {@code remote} gets, or "" if it succeeds. */
    private static String insertError(String remote) throws Exception {
        try (OvsdbTestClient client = OvsdbTestClient.connect(remote, TlsConfig.none())) {
            JsonNode result = client.call("transact", "kvdb", Json.parse("{\"op\":\"insert\",\"table\":\"kv\","
                    + "\"row\":{\"name\":\"refused\"}}"));
            return result.get(0).path("error").asText();
        }
    }
}
