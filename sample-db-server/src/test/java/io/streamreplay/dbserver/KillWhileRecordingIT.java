package io.streamreplay.dbserver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamreplay.dbserver.storage.DatabaseFile;
import io.streamreplay.dbserver.testing.KvDatabase;
import io.streamreplay.dbserver.testing.OvsdbTestClient;
import io.streamreplay.dbserver.testing.ServerProcess;
import io.streamreplay.dbserver.testing.TransactingClient;
import io.streamreplay.jsonrpc.Json;
import io.streamreplay.jsonrpc.Message;
import io.streamreplay.jsonrpc.MessageParser;
import io.streamreplay.replay.RecordType;
import io.streamreplay.replay.RecordedEvent;
import io.streamreplay.replay.RecordingReader;
import io.streamreplay.stream.TlsConfig;
import io.streamreplay.testing.LogLines;
import io.streamreplay.testing.Programs;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kill -9} of a recording server under load, at random moments, many times: every recording replays
 * without error, and the replayed database holds exactly the transactions whose requests the recording holds, in
 * order, the killed run's database file among its first (the recording is written out before each database write,
 * so a kill between the two leaves the replay ahead of that file, never behind it). A killed recording's files can end anywhere, headers included (the kill
 * may come between the flushes of two files): cut at such places, it replays to the cut, with status 0.
 *
 * <p>The same holds with time and the control socket in the workload: {@code wait} operations timing out after 1 to
 * 5 ms, inactivity probes answered by one client and dropping another that stays silent, and {@code ovs-appctl}
 * commands ({@code stats}, {@code memory/show}, {@code ovsdb-server/compact}, ...) while the server is killed; each
 * replay ends where its recording does, status 0, with no divergence.
 *
 * <p>{@code -Dcrash.trials=N} sets the number of trials of each kind (default 3; a soak: {@code mvn verify -pl
 * sample-db-server -Dit.test=KillWhileRecordingIT -Dcrash.trials=200}). The kill times come from a seed, printed with
 * the results: {@value #DEFAULT_SEED} unless {@code -Dcrash.seed=S} gives another (to repeat a run's kill times).
 */
class KillWhileRecordingIT {

    private static final int TRIALS = Integer.getInteger("crash.trials", 3);
    private static final long DEFAULT_SEED = 20261201L;
    private static final long SEED = Long.getLong("crash.seed", DEFAULT_SEED);
    /** The inactivity probe interval of the timed trials, in milliseconds (live time while recording). */
    private static final int PROBE_MILLIS = 250;
    private static final List<String> CONTROL_COMMANDS = List.of("stats", "memory/show", "ovsdb-server/list-remotes",
            "ovsdb-server/compact", "list-commands", "ovsdb-server/list-dbs", "version");

    @TempDir
    Path tmp;

    @Test
    @Timeout(value = 24, unit = TimeUnit.HOURS) // bounded below by the number of trials instead
    void everyRecordingOfAKilledServerReplaysExactlyTheTransactionsItHolds() {
        assertTimeoutPreemptively(Duration.ofSeconds(60L * TRIALS), () -> {
            Random random = new Random(SEED);
            int transactions = 0;
            for (int trial = 0; trial < TRIALS; trial++) {
                long killAfter = 150L + random.nextInt(1500);
                transactions += trial(tmp.resolve("trial-" + trial), killAfter, "trial " + trial + " (seed " + SEED
                        + ", killed after " + killAfter + " ms)");
            }
            System.out.printf("kill -9 trials: %d, transactions replayed: %d, seed %d%n", TRIALS, transactions,
                    SEED);
        });
    }

    @Test
    @Timeout(value = 24, unit = TimeUnit.HOURS) // bounded below by the number of trials instead
    void killedWhileTimersFireAndControlCommandsRunEveryRecordingReplaysToAPrefixWithoutDivergence() {
        assertTimeoutPreemptively(Duration.ofSeconds(60L * TRIALS), () -> {
            Random random = new Random(SEED);
            long started = System.nanoTime();
            int transactions = 0;
            for (int trial = 0; trial < TRIALS; trial++) {
                long killAfter = 300L + random.nextInt(1700);
                transactions += timedTrial(tmp.resolve("timed-" + trial), killAfter, "timed trial " + trial
                        + " (seed " + SEED + ", killed after " + killAfter + " ms)");
            }
            System.out.printf("kill -9 trials with timers and control commands: %d, 0 divergences, transactions"
                    + " replayed: %d, seed %d, %.1f s%n", TRIALS, transactions, SEED,
                    (System.nanoTime() - started) / 1e9);
        });
    }

    @Test
    void aKilledServersRecordingCutInAnyFileHeaderIncludedReplaysToTheCutWithStatusZero() throws Exception {
        Path dir = tmp.resolve("cut");
        recordAndKill(dir, 800);
        List<JsonNode> recorded = DatabaseFile.recordsWithoutDates(dir.resolve("kv.db"));
        Path recording = dir.resolve("recording");
        List<Path> clients;
        try (var files = Files.list(recording)) {
            clients = files.filter(f -> f.getFileName().toString().matches("\\d{8}-unix-.*-db-sock\\.srr")).sorted()
                    .toList();
        }
        assertTrue(clients.size() >= 3, clients.toString());
        Path listener = onlyFile(recording, "\\d{8}-punix-.*-db-sock\\.srr");
        Map<Path, Long> cuts = new java.util.LinkedHashMap<>();
        cuts.put(clients.get(1), 0L);
        cuts.put(clients.get(2), 20L);
        cuts.put(clients.get(0), Files.size(clients.get(0)) / 2);
        cuts.put(listener, 30L);
        cuts.put(onlyFile(recording, "source-uuid\\.srr"), 5L);
        int n = 0;
        for (Map.Entry<Path, Long> cut : cuts.entrySet()) {
            Path copy = dir.resolve("cut-" + n++);
            Files.createDirectories(copy);
            try (var files = Files.list(recording)) {
                for (Path file : files.toList()) {
                    Files.copy(file, copy.resolve(file.getFileName()));
                }
            }
            try (FileChannel channel = FileChannel.open(copy.resolve(cut.getKey().getFileName()),
                    StandardOpenOption.WRITE)) {
                channel.truncate(cut.getValue());
            }
            String what = cut.getKey().getFileName() + " cut at " + cut.getValue();
            ServerProcess.restoreDatabase(dir);
            int status = ServerProcess.run(dir, dir.resolve("replay.out"), List.of("kv.db", "--remote=punix:"
                    + dir.resolve("db.sock"), "--control=" + dir.resolve("ctl"), "--replay=" + copy), 120);
            String output = Files.readString(dir.resolve("replay.out"));
            assertEquals(0, status, what + ":\n" + output);
            assertTrue(output.contains("the recorded process was killed or crashed here"), what + ":\n" + output);
            List<JsonNode> replayed = DatabaseFile.recordsWithoutDates(dir.resolve("kv.db"));
            assertEquals(recorded.subList(0, replayed.size()), replayed, what + ": a prefix of the recorded run");
            assertEquals(transactRequestsIn(copy), replayed.size() - 1, what + ": a transaction for each request"
                    + " the cut recording holds before its end");
        }
    }

    private static Path onlyFile(Path dir, String regex) throws Exception {
        try (var files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().matches(regex)).findFirst().orElseThrow();
        }
    }

    /** Records a server under load from three clients, and kills it after {@code killAfterMillis}. */
    private static List<String> recordAndKill(Path dir, long killAfterMillis) throws Exception {
        Files.createDirectories(dir);
        ServerProcess.createDatabase(dir, KvDatabase.SCHEMA);
        List<String> args = List.of("kv.db", "--remote=punix:" + dir.resolve("db.sock"),
                "--control=" + dir.resolve("ctl"));
        List<String> recordArgs = new ArrayList<>(args);
        recordArgs.add("--replay-record=recording");
        List<Process> clients = new ArrayList<>();
        try (ServerProcess server = ServerProcess.start(dir, dir.resolve("record.out"), recordArgs)) {
            server.awaitLine("serving");
            for (String prefix : List.of("a", "b", "c")) {
                clients.add(TransactingClient.start("unix:" + dir.resolve("db.sock"), prefix));
            }
            Thread.sleep(killAfterMillis);
            server.kill();
        } finally {
            for (Process client : clients) {
                client.destroyForcibly().waitFor();
            }
        }
        return args;
    }

    /** One trial; returns the number of transactions its replay committed. */
    private int trial(Path dir, long killAfterMillis, String what) throws Exception {
        List<String> args = recordAndKill(dir, killAfterMillis);
        List<JsonNode> recorded = DatabaseFile.recordsWithoutDates(dir.resolve("kv.db"));
        int requests = transactRequestsIn(dir.resolve("recording"));

        ServerProcess.restoreDatabase(dir);
        List<String> replayArgs = new ArrayList<>(args);
        replayArgs.add("--replay=recording");
        int status = ServerProcess.run(dir, dir.resolve("replay.out"), replayArgs, 120);
        String output = Files.readString(dir.resolve("replay.out"));
        assertEquals(0, status, what + ":\n" + output);
        assertTrue(output.contains("the recorded process was killed or crashed here"), what + ":\n" + output);
        List<JsonNode> replayed = DatabaseFile.recordsWithoutDates(dir.resolve("kv.db"));
        // The recording is written out before each database write: a kill between the two leaves requests the
        // replay commits and the killed run's file lacks, never the other way round.
        assertTrue(replayed.size() >= recorded.size(), what + ": the replay lacks transactions the killed run's"
                + " file holds");
        assertEquals(recorded, replayed.subList(0, recorded.size()), what + ": the killed run's transactions are"
                + " not the replay's first, in order");
        assertEquals(requests, replayed.size() - 1, what + ": the replay committed a transaction for each request"
                + " the recording holds (plus the schema record)");
        return replayed.size() - 1;
    }

    /**
     * One trial with time and control commands in the workload; returns the number of rows its replay inserted.
     * Compaction may rewrite the database file at any time in the recorded run and in the replay, so the replay is
     * checked against the rows each holds: every row of the killed run's file is in the replay (same UUID, same
     * columns), which holds one row per insert request the recording holds, each client's rows a prefix of its own.
     */
    private int timedTrial(Path dir, long killAfterMillis, String what) throws Exception {
        Files.createDirectories(dir);
        ServerProcess.createDatabase(dir, KvDatabase.SCHEMA);
        List<String> args = List.of("kv.db", "--remote=punix:" + dir.resolve("db.sock"),
                "--remote=ptcp:0:127.0.0.1", "--control=" + dir.resolve("ctl"), "--log-file=server.log",
                "--inactivity-probe=" + PROBE_MILLIS);
        List<String> recordArgs = new ArrayList<>(args);
        recordArgs.add("--replay-record=recording");
        List<Process> inserters = new ArrayList<>();
        ExecutorService timed = Executors.newCachedThreadPool();
        AtomicBoolean running = new AtomicBoolean(true);
        TimedWorkload workload = new TimedWorkload(running);
        List<Future<Void>> clients = new ArrayList<>();
        boolean stopped;
        try (ServerProcess server = ServerProcess.start(dir, dir.resolve("record.out"), recordArgs)) {
            server.awaitLine("serving");
            int port = Integer.parseInt(server.awaitLine("ptcp:(\\d+):127.0.0.1: listening").group(1));
            clients.add(timed.submit(() -> workload.waits(port)));
            clients.add(timed.submit(() -> workload.answerProbes(port)));
            clients.add(timed.submit(() -> workload.staySilent(port)));
            clients.add(timed.submit(() -> workload.control(dir)));
            for (String prefix : List.of("a", "b")) {
                inserters.add(TransactingClient.start("unix:" + dir.resolve("db.sock"), prefix));
            }
            Thread.sleep(killAfterMillis);
            server.kill();
        } finally {
            running.set(false);
            for (Process inserter : inserters) {
                inserter.destroyForcibly().waitFor();
            }
            // Not interrupted: each client ends by itself once the server is gone, ovs-appctl included.
            timed.shutdown();
            stopped = timed.awaitTermination(30, TimeUnit.SECONDS);
            if (!stopped) {
                timed.shutdownNow();
            }
        }
        assertTrue(stopped, what + ": the workload did not stop within 30 s of the kill");
        for (Future<Void> client : clients) {
            client.get(); // a client's own failure, if any
        }
        Map<String, JsonNode> recorded = rows(dir.resolve("kv.db"));
        int inserts = transactRequestsIn(dir.resolve("recording"), "insert");

        ServerProcess.restoreDatabase(dir);
        Files.move(dir.resolve("server.log"), dir.resolve("recorded.log"));
        List<String> replayArgs = new ArrayList<>(args);
        replayArgs.add("--replay=recording");
        int status = ServerProcess.run(dir, dir.resolve("replay.out"), replayArgs, 120);
        String output = Files.readString(dir.resolve("replay.out"));
        String about = what + ", " + workload + ":\n" + output;
        assertEquals(0, status, about);
        assertTrue(output.contains("the recorded process was killed or crashed here"), about);
        assertFalse(output.contains("diverge"), about);
        Map<String, JsonNode> replayed = rows(dir.resolve("kv.db"));
        for (Map.Entry<String, JsonNode> row : recorded.entrySet()) {
            assertEquals(row.getValue(), replayed.get(row.getKey()), what + ": the killed run's row " + row.getKey()
                    + " is not the replay's");
        }
        assertEquals(inserts, replayed.size(), what + ": one row per insert request the recording holds");
        for (String prefix : List.of("a", "b")) {
            // A column at its default (value 0) is left out of a record.
            List<Long> values = replayed.values().stream().filter(r -> r.get("name").asText().startsWith(prefix))
                    .map(r -> r.path("value").asLong()).sorted().toList();
            for (int i = 0; i < values.size(); i++) {
                assertEquals(i, values.get(i), what + ": client " + prefix + "'s rows are a prefix of its inserts");
            }
        }
        // Where both logs have a line, it is the same line: probes and drops replayed where they happened.
        List<String> recordedLog = LogLines.withoutTimestamps(dir.resolve("recorded.log"));
        List<String> replayedLog = LogLines.withoutTimestamps(dir.resolve("server.log"));
        int common = Math.min(recordedLog.size(), replayedLog.size());
        assertEquals(recordedLog.subList(0, common), replayedLog.subList(0, common), what + ": the replay's log");
        System.out.println(what + ": " + workload + ", " + replayed.size() + " rows replayed");
        assertTrue(workload.waitsTimedOut() > 0 && workload.commandsAnswered() > 0, what + ": " + workload);
        return replayed.size();
    }

    /**
     * The rows a database file holds at its end, by UUID: its records applied in order (a compaction's snapshot is
     * a record holding every row).
     */
    private static Map<String, JsonNode> rows(Path db) throws Exception {
        Map<String, JsonNode> rows = new HashMap<>();
        List<JsonNode> records = DatabaseFile.recordsWithoutDates(db);
        for (JsonNode record : records.subList(1, records.size())) {
            JsonNode table = record.path("kv");
            for (Map.Entry<String, JsonNode> row : (Iterable<Map.Entry<String, JsonNode>>) table::fields) {
                if (row.getValue().isNull()) {
                    rows.remove(row.getKey());
                } else {
                    rows.put(row.getKey(), row.getValue());
                }
            }
        }
        return rows;
    }

    /** The clients of a timed trial, each a loop until the server is gone or the trial ends. */
    private static final class TimedWorkload {
        private final AtomicBoolean running;
        private final AtomicInteger waitsTimedOut = new AtomicInteger();
        private final AtomicInteger probesAnswered = new AtomicInteger();
        private final AtomicInteger silentDropped = new AtomicInteger();
        private final AtomicInteger commandsAnswered = new AtomicInteger();
        private volatile String waitsEnded = "";

        TimedWorkload(AtomicBoolean running) {
            this.running = running;
        }

        /**
         * {@code wait} operations that time out after 1 to 5 ms, one after another; connected again if the server
         * drops the connection (a client starved of CPU may miss its probe).
         */
        Void waits(int port) throws Exception {
            while (running.get()) {
                OvsdbTestClient client;
                try {
                    client = OvsdbTestClient.connect("tcp:127.0.0.1:" + port, TlsConfig.none());
                } catch (IOException e) {
                    return null; // the server was killed
                }
                waitsOn(client);
            }
            return null;
        }

        private void waitsOn(OvsdbTestClient connected) {
            try (OvsdbTestClient client = connected) {
                for (int i = 0; running.get(); i++) {
                    JsonNode result = client.call("transact", "kvdb", Json.parse(String.format("{\"op\":\"wait\","
                            + "\"table\":\"kv\",\"where\":[[\"name\",\"==\",\"never\"]],\"until\":\"!=\",\"rows\":[],"
                            + "\"timeout\":%d}", 1 + i % 5)));
                    if ("timed out".equals(result.path(0).path("error").asText())) {
                        waitsTimedOut.incrementAndGet();
                    } else {
                        waitsEnded = "answered " + result;
                    }
                }
            } catch (IOException | AssertionError e) {
                waitsEnded = e.toString(); // the server was killed, or dropped this client
            }
        }

        /**
         * A client that says nothing but answers every inactivity probe, and so stays connected; connected again if
         * it answered too late.
         */
        Void answerProbes(int port) throws Exception {
            while (running.get()) {
                try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
                    socket.setSoTimeout(30_000);
                    MappingIterator<JsonNode> messages = new ObjectMapper().readerFor(JsonNode.class)
                            .readValues(socket.getInputStream());
                    OutputStream out = socket.getOutputStream();
                    while (running.get() && messages.hasNext()) {
                        JsonNode echo = messages.next();
                        out.write(Message.reply(echo.get("params"), echo.get("id")).toJson().toString()
                                .getBytes(StandardCharsets.UTF_8));
                        out.flush();
                        probesAnswered.incrementAndGet();
                    }
                } catch (IOException | RuntimeException e) {
                    return null; // the server was killed
                }
            }
            return null;
        }

        /** Clients that connect and say nothing, one after another: each is probed, then dropped. */
        Void staySilent(int port) throws Exception {
            while (running.get()) {
                try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
                    socket.setSoTimeout(30_000);
                    socket.getInputStream().readAllBytes();
                    silentDropped.incrementAndGet();
                } catch (IOException e) {
                    return null;
                }
            }
            return null;
        }

        /** {@code ovs-appctl} commands to the control socket, one after another. */
        Void control(Path dir) throws Exception {
            for (int i = 0; running.get(); i++) {
                Programs.Result result = Programs.exec(dir, List.of("ovs-appctl", "-t", dir.resolve("ctl")
                        .toString(), CONTROL_COMMANDS.get(i % CONTROL_COMMANDS.size())), 30);
                if (result.status() != 0) {
                    return null;
                }
                commandsAnswered.incrementAndGet();
            }
            return null;
        }

        int waitsTimedOut() {
            return waitsTimedOut.get();
        }

        int commandsAnswered() {
            return commandsAnswered.get();
        }

        @Override
        public String toString() {
            return waitsTimedOut + " waits timed out (then " + waitsEnded + "), " + probesAnswered
                    + " probes answered, " + silentDropped
                    + " silent clients dropped, " + commandsAnswered + " control commands answered";
        }
    }

    /**
     * The number of whole {@code transact} requests received on all streams of a recording, up to where a replay
     * ends: the first event missing from the files, or the accept of a stream whose file is missing or unreadable.
     */
    private static int transactRequestsIn(Path recording) throws Exception {
        return transactRequestsIn(recording, null);
    }

    /** As {@link #transactRequestsIn(Path)}, counting only those whose first operation is {@code op} (if given). */
    private static int transactRequestsIn(Path recording, String op) throws Exception {
        Map<Path, MessageParser> parsers = new HashMap<>();
        int requests = 0;
        try (RecordingReader reader = RecordingReader.open(recording)) {
            Set<Long> streamFiles = reader.files().stream().filter(f -> f.kind().equals("stream"))
                    .map(RecordingReader.RecordedFile::openSeq).collect(Collectors.toSet());
            long expected = 0;
            for (RecordedEvent event = reader.next(); event != null; event = reader.next()) {
                if (event.seq() != expected++ || (event.type() == RecordType.ACCEPT_OK
                        && !streamFiles.contains(event.seq()))) {
                    break;
                }
                if (event.type() == RecordType.RECV_DATA) {
                    MessageParser parser = parsers.computeIfAbsent(event.file(), f -> new MessageParser(1 << 24));
                    parser.feed(event.payload(), 0, event.payload().length);
                    for (JsonNode message = parser.next(); message != null; message = parser.next()) {
                        if ("transact".equals(message.path("method").asText()) && (op == null
                                || op.equals(message.path("params").path(1).path("op").asText()))) {
                            requests++;
                        }
                    }
                }
            }
        }
        return requests;
    }
}
