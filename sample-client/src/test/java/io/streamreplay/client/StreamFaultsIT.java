package io.streamreplay.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamreplay.client.ClientProcess.Result;
import io.streamreplay.dbserver.storage.DatabaseFile;
import io.streamreplay.dbserver.testing.ServerProcess;
import io.streamreplay.jsonrpc.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Chaos runs with real processes: sample-db-server recorded while its streams suffer injected faults (delays,
 * pieces, hangs, resets), from its command line or set and cleared at run time with {@code ovs-appctl}, under
 * sample-client bench runs that connect again after each reset, and a monitor; then replayed without any fault option, which must end with status 0, the
 * same database and the same log. And a bench recorded under faults on its own streams, whose replay prints the
 * same bytes.
 */
class StreamFaultsIT {

    /** Delays, pieces and hangs on every database stream; resets on a quarter of the TCP streams, after 6000 bytes. */
    private static final String CHAOS = "*:30:slice(max=16),*:10:delay(ms=5;jitter=3),*:1:hang(ms=40),"
            + "ptcp:*:25:reset(after=6000)";

    /** {@link #CHAOS} as the server writes it back: every parameter, no {@code *} for all streams. */
    private static final String NORMAL = "30:slice(max=16),10:delay(ms=5;jitter=3),1:hang(ms=40),"
            + "ptcp:*:25:reset(after=6000)";

    @TempDir
    Path dir;

    private List<String> serverArgs() {
        return new ArrayList<>(List.of("kv.db", "--remote=punix:" + dir.resolve("db.sock"),
                "--remote=ptcp:0:127.0.0.1", "--control=" + dir.resolve("ctl"), "--log-file=server.log"));
    }

    private void createDatabase() throws Exception {
        Files.writeString(dir.resolve("kv.ovsschema"), ClientProcess.run(dir, "bench", "--print-schema").out());
        assertEquals(0, ServerProcess.run(dir, dir.resolve("create.out"), List.of("create", "kv.db",
                "kv.ovsschema"), 30));
    }

    private static List<String> with(List<String> args, String... more) {
        List<String> all = new ArrayList<>(args);
        all.addAll(List.of(more));
        return all;
    }

    /** Runs {@code ovs-appctl -t CTL ARGS}: its status, then what it printed (output and errors). */
    private Result appctl(String... args) throws Exception {
        List<String> command = with(List.of("ovs-appctl", "-t", dir.resolve("ctl").toString()), args);
        Path out = Files.createTempFile(dir, "appctl", ".out");
        Path err = Files.createTempFile(dir, "appctl", ".err");
        Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile())
                .start();
        assertTrue(process.waitFor(30, TimeUnit.SECONDS), "ovs-appctl did not exit");
        return new Result(process.exitValue(), Files.readString(out), Files.readString(err));
    }

    /**
     * The load: a monitor over Unix for the whole run, a bench over Unix with a monitor of its own, and two bench
     * runs over TCP that connect again whenever a reset cuts a connection ({@code --reconnect}). Returns the
     * connections opened again.
     */
    private long load(String tcp) throws Exception {
        String unix = "unix:" + dir.resolve("db.sock");
        ClientProcess monitor = ClientProcess.start(dir, "monitor", unix, "kvdb", "kv", "name");
        Result local = ClientProcess.run(dir, "bench", unix, "-n", "200", "--connections", "2", "--monitors", "1",
                "--no-progress");
        assertEquals(0, local.status(), local.err());
        long reconnections = 0;
        for (int run = 0; run < 2; run++) {
            Result bench = ClientProcess.run(dir, "bench", tcp, "-n", "300", "--connections", "3", "--in-flight",
                    "2", "--monitors", "1", "--reconnect", "--json", "--no-progress");
            assertEquals(0, bench.status(), bench.err());
            JsonNode summary = Json.parse(bench.out());
            assertEquals(300, summary.get("completed").asLong() + summary.get("errors").asLong(), bench.out());
            reconnections += summary.path("reconnections").asLong();
            if (summary.path("reconnections").asLong() > 0 && summary.get("errors").asLong() > 0) {
                assertTrue(summary.get("first_error").asText().contains("connection lost"), bench.out());
            }
        }
        monitor.interrupt();
        Result watched = monitor.finish(30);
        assertTrue(watched.out().lines().count() > 100, "the monitor saw the rows: " + watched.out().length());
        return reconnections;
    }

    /** Stops the recorded server with ovs-appctl, replays it with {@code --replay} alone and compares. */
    private void stopAndReplay(ServerProcess server, List<String> args) throws Exception {
        Result exit = appctl("exit");
        assertEquals(0, exit.status(), exit.err());
        assertEquals(0, server.waitFor(30), server.consoleText());
        Path recordedDb = dir.resolve("recorded.db");
        Path recordedLog = dir.resolve("recorded.log");
        Files.move(dir.resolve("kv.db"), recordedDb);
        Files.move(dir.resolve("server.log"), recordedLog);
        Files.deleteIfExists(dir.resolve("db.sock"));

        int status = ServerProcess.run(dir, dir.resolve("replay.out"), with(args, "--replay=recording"), 120);
        assertEquals(0, status, Files.readString(dir.resolve("replay.out")));
        List<JsonNode> recorded = DatabaseFile.recordsWithoutDates(recordedDb);
        assertTrue(recorded.size() > 400, recorded.size() + " records");
        assertEquals(recorded, DatabaseFile.recordsWithoutDates(dir.resolve("kv.db")),
                "the replayed database differs from the recorded one");
        assertEquals(withoutTimestamps(recordedLog), withoutTimestamps(dir.resolve("server.log")),
                "the replay's log differs from the recorded run's");
    }

    private static List<String> withoutTimestamps(Path log) throws Exception {
        List<String> lines = new ArrayList<>();
        for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
            lines.add(line.substring(line.indexOf('|') + 1));
        }
        return lines;
    }

    @Test
    void aServerRecordedUnderFaultsReplaysWithoutTheFaultOptionToTheSameDatabaseAndLog() throws Exception {
        createDatabase();
        List<String> args = serverArgs();
        List<String> recordArgs = with(args, "--replay-record=recording", "--stream-faults=" + CHAOS,
                "--stream-faults-seed=20261201");
        try (ServerProcess server = ServerProcess.start(dir, dir.resolve("record.out"), recordArgs)) {
            String tcp = "tcp:127.0.0.1:" + server.awaitLine("ptcp:(\\d+):127.0.0.1: listening").group(1);
            server.awaitLine("serving");
            long cut = load(tcp);
            assertTrue(cut > 0, "injected resets cut bench connections, which connected again");
            Result list = appctl("stream-faults/list");
            assertEquals(0, list.status(), list.err());
            assertEquals("""
                    stream faults, seed 20261201
                      1: 30:slice(max=16)
                      2: 10:delay(ms=5;jitter=3)
                      3: 1:hang(ms=40)
                      4: ptcp:*:25:reset(after=6000)
                    """, list.out());
            stopAndReplay(server, args);
            System.out.printf("chaos run: seed 20261201, %d bench connections reset and opened again, replayed%n", cut);
        }
        String log = Files.readString(dir.resolve("server.log"));
        assertTrue(log.contains("|StreamFaults|stream faults: " + NORMAL + " (seed 20261201)\n"), log);
        JsonNode manifest = Json.parse(Files.readString(dir.resolve("recording").resolve("manifest.json")));
        assertEquals(20261201L, manifest.get("streamFaults").get(0).get("seed").asLong(), manifest.toString());
    }

    @Test
    void faultsSetAndClearedWithOvsAppctlWhileRecordingAreReplayed() throws Exception {
        createDatabase();
        List<String> args = serverArgs();
        try (ServerProcess server = ServerProcess.start(dir, dir.resolve("record.out"), with(args,
                "--replay-record=recording", "--stream-faults-seed=7"))) {
            String tcp = "tcp:127.0.0.1:" + server.awaitLine("ptcp:(\\d+):127.0.0.1: listening").group(1);
            server.awaitLine("serving");
            Result bad = appctl("stream-faults/set", "ptcp:*:10:delya");
            assertEquals(2, bad.status(), bad.out());
            assertTrue(bad.err().contains("unknown behaviour 'delya'") && bad.err().contains("at column 11:\n"
                    + "  ptcp:*:10:delya\n            ^"), bad.err());
            Result set = appctl("stream-faults/set", CHAOS);
            assertEquals(0, set.status(), set.err());
            assertTrue(set.out().startsWith("stream faults, seed 7\n"), set.out());
            long cut = load(tcp);
            Result clear = appctl("stream-faults/clear");
            assertEquals("no stream faults, seed 7\n", clear.out());
            Result after = ClientProcess.run(dir, "bench", tcp, "-n", "300", "--connections", "3",
                    "--no-progress");
            assertEquals(0, after.status(), "no fault once cleared: " + after.err());
            stopAndReplay(server, args);
            System.out.printf("chaos run set at run time: seed 7, %d bench connections reset and opened again,"
                    + " replayed%n", cut);
        }
        JsonNode manifest = Json.parse(Files.readString(dir.resolve("recording").resolve("manifest.json")));
        assertEquals(2, manifest.get("streamFaults").size(), "set, then cleared: " + manifest);
    }

    @Test
    void aBenchRecordedUnderFaultsOnItsOwnStreamsReplaysByteForByte() throws Exception {
        createDatabase();
        try (ServerProcess server = ServerProcess.start(dir, dir.resolve("server.out"), serverArgs())) {
            String tcp = "tcp:127.0.0.1:" + server.awaitLine("ptcp:(\\d+):127.0.0.1: listening").group(1);
            server.awaitLine("serving");
            List<String> bench = List.of("bench", tcp, "-n", "400", "--connections", "3", "--in-flight", "2",
                    "--monitors", "1", "--json",
                    "--stream-faults=tcp:*:100:slice(max=64),tcp:*:20:delay(ms=2;jitter=1)",
                    "--stream-faults-seed=5");
            Result recorded = ClientProcess.run(dir, with(bench, "--replay-record=bench-rec").toArray(String[]::new));
            assertEquals(0, recorded.status(), recorded.err());
            assertEquals(400, Json.parse(recorded.out()).get("completed").asInt(), recorded.out());
            // The same command without the fault options: the recording holds what the faults did.
            Result replayed = ClientProcess.run(dir, with(bench, "--replay=bench-rec").toArray(String[]::new));
            assertEquals(0, replayed.status(), replayed.err());
            assertEquals(recorded.out(), replayed.out(), "the replay prints what the recorded run printed");
            JsonNode manifest = Json.parse(Files.readString(dir.resolve("bench-rec").resolve("manifest.json")));
            assertEquals(5, manifest.get("streamFaults").get(0).get("seed").asLong(), manifest.toString());
            appctl("exit");
            server.waitFor(30);
        }
    }
}
