package io.streamreplay.dbserver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamreplay.dbserver.storage.DatabaseFile;
import io.streamreplay.dbserver.testing.Conditions;
import io.streamreplay.dbserver.testing.KvDatabase;
import io.streamreplay.dbserver.testing.OvsdbTestClient;
import io.streamreplay.dbserver.testing.ServerProcess;
import io.streamreplay.dbserver.testing.TableContents;
import io.streamreplay.jsonrpc.Json;
import io.streamreplay.jsonrpc.Message;
import io.streamreplay.stream.TlsConfig;
import io.streamreplay.testing.LogLines;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A replicated pair recorded, then each process replayed alone. Both servers run with {@code --replay-record}: a
 * writer transacts on the active, a reader monitors the backup; the active is killed with SIGKILL while the writer
 * writes, the backup (reconnecting with backoff meanwhile) is promoted with
 * {@code ovsdb-server/disconnect-active-ovsdb-server} and takes writes, and the old active restarts, recorded
 * again, as its backup. Then, with no server running, each of the three runs is replayed from its own recording:
 * each exits 0 and writes the log its recorded run wrote and its database. The killed run's replay ends at its
 * recording's last written event, so its database is a prefix of the recorded one: the transaction the active was
 * writing at the kill may be missing, as for any killed recording, but never one the backup had received.
 */
class ReplicatedPairReplayIT {

    @TempDir
    Path dir;

    private final ExecutorService threads = Executors.newCachedThreadPool();

    @AfterEach
    void stopThreads() {
        threads.shutdownNow();
    }

    @Test
    void eachProcessOfARecordedPairReplaysAloneToItsDatabaseAndLog() throws Exception {
        ServerProcess.createDatabase(dir, KvDatabase.SCHEMA);
        Files.copy(dir.resolve("kv.db"), dir.resolve("a.db"));
        Files.copy(dir.resolve("kv.db"), dir.resolve("b.db"));
        Set<String> seenOnBackup = new HashSet<>();
        AtomicInteger written = new AtomicInteger();
        try (ServerProcess active = start("a", "a.log", "rec-a1");
                ServerProcess backup = start("b", "b.log", "rec-b", "--sync-from=unix:a.sock")) {
            awaitStatus("b", "replicating: unix:a.sock");
            try (OvsdbTestClient reader = OvsdbTestClient.connect(remote("b"), TlsConfig.none())) {
                reader.call("monitor", "kvdb", "reader", Json.parse("{\"kv\":{\"columns\":[\"name\"]}}"));
                AtomicBoolean writing = new AtomicBoolean(true);
                Future<?> writer = threads.submit(() -> {
                    try (OvsdbTestClient client = OvsdbTestClient.connect(remote("a"), TlsConfig.none())) {
                        while (writing.get()) {
                            insert(client, "a-" + written.get());
                            written.incrementAndGet();
                        }
                    }
                    return null;
                });
                awaitRows(reader, seenOnBackup, seen -> seen.size() >= 30, "30 rows written on the active");

                active.kill();
                writing.set(false);
                assertTrue(writerStopped(writer), "the writer sees the active go");
                Files.copy(dir.resolve("a.db"), dir.resolve("a1-recorded.db"));
                // Two attempts, 1 s then 2 s apart: the backoff is in the recording, to be replayed.
                Conditions.await(() -> Files.readString(dir.resolve("b.log")).split(
                        "unix:a.sock: connection attempt failed", -1).length - 1, n -> n >= 2, 30,
                        "the backup to try twice to reconnect");
                String replicated = TableContents.of(remote("b"), "kvdb", "kv");

                assertEquals("", control("b", "ovsdb-server/disconnect-active-ovsdb-server"));
                try (OvsdbTestClient client = OvsdbTestClient.connect(remote("b"), TlsConfig.none())) {
                    insert(client, "b-0");
                }
                try (ServerProcess rejoined = start("a", "a2.log", "rec-a2", "--sync-from=unix:b.sock")) {
                    awaitStatus("a", "replicating: unix:b.sock");
                    try (OvsdbTestClient client = OvsdbTestClient.connect(remote("b"), TlsConfig.none())) {
                        insert(client, "b-1");
                    }
                    String last = TableContents.of(remote("b"), "kvdb", "kv");
                    assertTrue(last.contains("b-1") && last.length() > replicated.length(), last);
                    Conditions.await(() -> TableContents.of(remote("a"), "kvdb", "kv"), last::equals, 30,
                            "the restarted server to catch up with the new active");
                    awaitRows(reader, seenOnBackup, seen -> seen.contains("b-1"), "the new active's own writes");
                    control("a", "exit");
                    assertEquals(0, rejoined.waitFor(30), rejoined.consoleText());
                }
            }
            control("b", "exit");
            assertEquals(0, backup.waitFor(30), backup.consoleText());
        }
        Files.readAllLines(dir.resolve("b.log")).stream().filter(line -> line.contains("unix:a.sock")).forEach(
                System.out::println);
        System.out.printf("recorded pair: %d transactions written on the active before SIGKILL, %d rows seen by"
                + " the backup's reader%n", written.get(), seenOnBackup.size());

        // No server runs now: each process is replayed alone from its own recording.
        // The killed run replays to its last flushed event: its database is a prefix of the recorded one (how
        // much of the end the kill cost is printed), and it holds the rows the backup saw before the kill.
        replayAlone("rec-a1", "a.db", "a1-recorded.db", "a.log");
        assertTrue(DatabaseFile.recordsWithoutDates(dir.resolve("replay-rec-a1/a.db")).size() > 1,
                "the killed run's replay wrote transactions");
        Set<String> sentBeforeKill = new HashSet<>(seenOnBackup);
        sentBeforeKill.removeIf(name -> !name.startsWith("a-"));
        Set<String> replayedRows = rowNames(dir.resolve("replay-rec-a1/a.db"));
        assertTrue(replayedRows.containsAll(sentBeforeKill), "the killed run's replay holds every row the backup"
                + " had from it: " + sentBeforeKill.size() + " rows sent, " + replayedRows.size() + " replayed");
        System.out.println("the killed run's replay: " + Files.readAllLines(dir.resolve("replay-rec-a1/replay.out"))
                .stream().filter(line -> line.contains("ended where the recording ends")).toList());
        assertEquals(0, replayAlone("rec-b", "b.db", "b.db", "b.log"), "the backup promoted to active");
        assertEquals(0, replayAlone("rec-a2", "a.db", "a.db", "a2.log"), "the old active restarted as backup");
    }

    /**
     * Replays {@code recording} in a directory of its own, with no database file there (the replay makes it from the
     * recording), and checks its exit status (0), its log (the recorded run's) and its database: the recorded one,
     * or for a killed run the recorded one up to where its recording ends. Returns how many of the recorded
     * database's transactions the replay did not write.
     */
    private int replayAlone(String recording, String db, String recordedDb, String log) throws Exception {
        Path replayDir = Files.createDirectories(dir.resolve("replay-" + recording));
        int status = ServerProcess.run(replayDir, replayDir.resolve("replay.out"), List.of("--replay="
                + dir.resolve(recording)), 120);
        String output = Files.readString(replayDir.resolve("replay.out"));
        assertEquals(0, status, recording + ": " + output);
        assertEquals(LogLines.withoutTimestamps(dir.resolve(log)), LogLines.withoutTimestamps(replayDir.resolve(
                log)), recording + ": the replay's log differs from the recorded run's");
        List<JsonNode> expected = DatabaseFile.recordsWithoutDates(dir.resolve(recordedDb));
        List<JsonNode> replayed = DatabaseFile.recordsWithoutDates(replayDir.resolve(db));
        assertTrue(replayed.size() <= expected.size(), recording + ": the replay wrote more than the recorded run");
        assertEquals(expected.subList(0, replayed.size()), replayed, recording + ": the replayed database differs");
        System.out.printf("replay of %s alone: exit %d, log %d lines equal, database %d of %d records equal%n",
                recording, status, LogLines.withoutTimestamps(replayDir.resolve(log)).size(), replayed.size(),
                expected.size());
        return expected.size() - replayed.size();
    }

    private ServerProcess start(String name, String log, String recording, String... options) throws Exception {
        List<String> args = new ArrayList<>(List.of(name + ".db", "--remote=punix:" + name + ".sock",
                "--control=" + name + ".ctl", "--log-file=" + log, "--replay-record=" + recording));
        args.addAll(List.of(options));
        Path console = dir.resolve(recording + ".out");
        ServerProcess server = ServerProcess.start(dir, console, args);
        server.awaitLine("serving");
        return server;
    }

    private String remote(String name) {
        return "unix:" + dir.resolve(name + ".sock");
    }

    private String control(String server, String command) throws Exception {
        try (OvsdbTestClient client = OvsdbTestClient.connect("unix:" + dir.resolve(server + ".ctl"),
                TlsConfig.none())) {
            return client.call(command).asText();
        }
    }

    private void awaitStatus(String server, String text) throws Exception {
        Conditions.await(() -> control(server, "ovsdb-server/sync-status"), status -> status.contains(text), 30,
                server + " to report " + text);
    }

    private static void insert(OvsdbTestClient client, String name) throws Exception {
        JsonNode result = client.call("transact", "kvdb", Json.parse("{\"op\":\"insert\",\"table\":\"kv\","
                + "\"row\":{\"name\":\"" + name + "\",\"value\":1}}"));
        assertTrue(result.get(0).has("uuid"), result.toString());
    }

    /**
     * Reads the reader's updates, adding the names of the rows inserted to {@code seen}, until {@code done} holds
     * (at most 60 s, and 20 s without any update).
     */
    private static void awaitRows(OvsdbTestClient reader, Set<String> seen, Predicate<Set<String>> done, String what)
            throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!done.test(seen)) {
            assertTrue(System.nanoTime() < deadline, "the reader on the backup did not see " + what);
            names(reader.awaitNotifications(1), seen);
        }
    }

    /** Adds the names of the rows inserted in {@code updates} to {@code names}. */
    private static void names(List<Message> updates, Set<String> names) {
        for (Message update : updates) {
            JsonNode rows = update.params().get(1).path("kv");
            rows.elements().forEachRemaining(row -> {
                if (row.has("new") && !row.has("old")) {
                    names.add(row.get("new").get("name").asText());
                }
            });
        }
    }

    /** The names of the rows inserted in the database file {@code db}. */
    private static Set<String> rowNames(Path db) throws Exception {
        Set<String> names = new HashSet<>();
        for (JsonNode record : DatabaseFile.recordsWithoutDates(db)) {
            record.path("kv").elements().forEachRemaining(row -> {
                if (row.has("name")) {
                    names.add(row.get("name").asText());
                }
            });
        }
        return names;
    }

    /** Whether the writer ended, as it must once its server is gone (with an error, or between two writes). */
    private static boolean writerStopped(Future<?> writer) throws InterruptedException {
        try {
            writer.get(30, TimeUnit.SECONDS);
            return true;
        } catch (ExecutionException e) {
            return true;
        } catch (TimeoutException e) {
            return false;
        }
    }
}
