package io.streamreplay.dbserver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamreplay.dbserver.storage.DatabaseFile;
import io.streamreplay.dbserver.testing.KvDatabase;
import io.streamreplay.dbserver.testing.OvsdbTestClient;
import io.streamreplay.dbserver.testing.ServerProcess;
import io.streamreplay.jsonrpc.Json;
import io.streamreplay.stream.TlsConfig;
import io.streamreplay.testing.LogLines;
import io.streamreplay.testing.Programs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An operator's incident workflow, with real processes: a server recorded in production (its own directory, pid
 * file, log file, Unix and TCP remotes, control commands), then replayed from the recording alone, in another
 * directory or on the production host next to the live server, with nothing but {@code --replay=DIR}.
 */
class IncidentWorkflowIT {

    @TempDir
    Path production;

    @TempDir
    Path laptop;

    @Test
    void aReplayGivenOnlyTheRecordingRunsTheRecordedCommandLineFromItsOwnCopyOfTheDatabase() throws Exception {
        record(production, workload());
        ServerProcess.copyRecording(production, laptop);

        Map<Path, String> productionBefore = contents(production);
        int status = ServerProcess.run(laptop, laptop.resolve("replay.out"), List.of("--replay=recording"), 60);
        String console = Files.readString(laptop.resolve("replay.out"));
        assertEquals(0, status, console);
        assertTrue(console.contains("|INFO |Replay|kv.db: created from the recording's copy of the starting state"
                + " (recording/start/kv.db, "), console);
        assertEquals(DatabaseFile.recordsWithoutDates(production.resolve("kv.db")), DatabaseFile.recordsWithoutDates(
                laptop.resolve("kv.db")), "the replay rebuilt the recorded database from the recording alone");
        assertEquals(LogLines.withoutTimestamps(production.resolve("server.log")),
                LogLines.withoutTimestamps(laptop.resolve("server.log")),
                "the replay's log is the recorded run's, timestamps aside, without lines about the replay itself");
        assertFalse(Files.exists(laptop.resolve("server.pid")), "a replay writes no pid file");
        assertEquals(productionBefore, contents(production), "a replay touches nothing where it was recorded");

        // On the console, what the replay reproduces is marked so: nothing listens.
        assertTrue(console.contains("|INFO |JsonRpcServer|replayed: ptcp:"), console);
        assertTrue(console.contains("|INFO |JsonRpcServer|replayed: punix:" + production.resolve("db.sock")
                + ": listening"), console);
        assertFalse(console.matches("(?s).*\\|JsonRpcServer\\|[pu].*: listening.*"), console);
        assertFalse(console.contains("differs"), "the recorded command line itself gives no warning:\n" + console);
        assertTrue(console.matches("(?s).*\\|INFO \\|Replay\\|replay of recording finished: \\d+ events of \\d+"
                + " streams .*; the application ended where the recorded run ended\n.*"), console);

        // Replayed with other log levels, the control commands that list levels reply as they did when recorded.
        Files.delete(laptop.resolve("kv.db"));
        int louder = ServerProcess.run(laptop, laptop.resolve("louder.out"), List.of("--replay=recording",
                "--log-level=debug", "--log-level=io.streamreplay.jsonrpc=trace"), 60);
        assertEquals(0, louder, Files.readString(laptop.resolve("louder.out")));
        assertEquals(DatabaseFile.recordsWithoutDates(production.resolve("kv.db")), DatabaseFile.recordsWithoutDates(
                laptop.resolve("kv.db")));
    }

    @Test
    void onTheProductionHostAReplayRefusesTheLiveDatabaseAndLeavesTheLiveServersFilesAlone() throws Exception {
        record(production, workload());
        List<JsonNode> recorded = DatabaseFile.recordsWithoutDates(production.resolve("kv.db"));
        try (ServerProcess live = ServerProcess.start(production, production.resolve("live.out"), liveArgs(
                production))) {
            live.awaitLine("serving");
            transact(production, "after-the-incident");
            live.awaitLine("#1: connection closed by peer");
            Map<Path, String> before = contents(production);

            // In the live server's directory: the live database is not the recording's start, so nothing is read.
            int refused = ServerProcess.run(production, laptop.resolve("refused.out"), List.of("--replay=recording"),
                    60);
            String refusal = Files.readString(laptop.resolve("refused.out"));
            assertEquals(1, refused, refusal);
            assertTrue(refusal.contains("|ERROR|SampleDbServer|kv.db is not the file this recording started from"),
                    refusal);
            assertTrue(refusal.contains("Give a path that does not exist in its place on the command line"),
                    refusal);
            assertEquals(before, contents(production), "a refused replay changed a file of the live server");

            // With a database path and a log file of its own, it replays there, and the live server runs on.
            Path scratch = laptop.resolve("replayed.db");
            int status = ServerProcess.run(production, laptop.resolve("replay.out"), List.of(scratch.toString(),
                    "--replay=recording", "--log-file=" + laptop.resolve("replay.log")), 60);
            String console = Files.readString(laptop.resolve("replay.out"));
            assertEquals(0, status, console);
            assertFalse(console.contains("differs"), "a database path and a log file change nothing a replay"
                    + " checks:\n" + console);
            assertEquals(recorded, DatabaseFile.recordsWithoutDates(scratch));
            assertEquals(before, contents(production), "the replay changed a file of the live server");
            assertEquals(live.process().pid() + "\n", Files.readString(production.resolve("server.pid")),
                    "the live server keeps its pid file");
            assertTrue(live.process().isAlive());
            transact(production, "still-serving");
        }
    }

    @Test
    void anOptionThatMayChangeWhatTheServerDoesIsNamedInAWarning() throws Exception {
        record(production, workload());
        Path recording = ServerProcess.copyRecording(production, laptop);
        int status = ServerProcess.run(laptop, laptop.resolve("replay.out"), List.of("--replay=" + recording,
                "--remote=ptcp:0:127.0.0.1", "--log-level=debug"), 60);
        String console = Files.readString(laptop.resolve("replay.out"));
        assertEquals(4, status, "listening on other remotes than recorded diverges:\n" + console);
        assertTrue(console.contains("|WARN |ReplayOptions|" + recording + ": the command line differs from the recorded"
                + " one in --remote: recorded 'punix:" + production.resolve("db.sock") + " ptcp:0:127.0.0.1', now"
                + " 'ptcp:0:127.0.0.1'; the replay diverges if that changes what the program does"), console);
        assertFalse(console.contains("--log-level"), "a log level is no difference worth a warning:\n" + console);
    }

    @Test
    void aStopPointBeyondTheEndOfTheRecordingIsSaidNeverToBeReached() throws Exception {
        record(production, workload());
        ServerProcess.copyRecording(production, laptop);
        int status = ServerProcess.run(laptop, laptop.resolve("replay.out"), List.of("--replay=recording",
                "--replay-stop-at=99999999"), 60);
        String console = Files.readString(laptop.resolve("replay.out"));
        assertEquals(0, status, "the recorded run's exit is replayed before the stop point:\n" + console);
        assertTrue(console.matches("(?s).*\\|WARN \\|Replay\\|replay of recording: --replay-stop-at=event #99999999"
                + " was never reached: the replay ended after event #\\d+, the last in the recording\n.*"), console);

        Files.delete(laptop.resolve("kv.db"));
        status = ServerProcess.run(laptop, laptop.resolve("late.out"), List.of("--replay=recording",
                "--replay-stop-at=3600s"), 60);
        console = Files.readString(laptop.resolve("late.out"));
        assertEquals(0, status, console);
        assertTrue(console.contains("--replay-stop-at=3600.000 s was never reached"), console);
    }

    @Test
    void sigtermStopsTheServerWithALogLineRemovesItsPidFileAndItsReplayLogsTheSame() throws Exception {
        ServerProcess.createDatabase(production, KvDatabase.SCHEMA);
        List<String> args = new ArrayList<>(liveArgs(production));
        args.add("--replay-record=recording");
        try (ServerProcess server = ServerProcess.start(production, production.resolve("record.out"), args)) {
            server.awaitLine("serving");
            transact(production, "before-sigterm");
            assertTrue(Files.exists(production.resolve("server.pid")));
            server.process().destroy();
            assertEquals(143, server.waitFor(30), server.consoleText());
            assertTrue(server.consoleText().contains("|INFO |SampleDbServer|stopping on SIGTERM\n"),
                    server.consoleText());
        }
        assertFalse(Files.exists(production.resolve("server.pid")), "the pid file is removed on SIGTERM");
        JsonNode manifest = Json.parse(Files.readString(production.resolve("recording/manifest.json")));
        assertEquals("stopped", manifest.get("status").asText());
        assertEquals("SIGTERM", manifest.get("signal").asText());
        assertTrue(LogLines.withoutTimestamps(production.resolve("server.log"))
                .contains("INFO |SampleDbServer|stopping on SIGTERM"));

        ServerProcess.copyRecording(production, laptop);
        int status = ServerProcess.run(laptop, laptop.resolve("replay.out"), List.of("--replay=recording"), 60);
        String console = Files.readString(laptop.resolve("replay.out"));
        assertEquals(0, status, console);
        assertEquals(LogLines.withoutTimestamps(production.resolve("server.log")),
                LogLines.withoutTimestamps(laptop.resolve("server.log")),
                "the replay of a signalled run logs what it logged, up to the signal's line");
        assertEquals(DatabaseFile.recordsWithoutDates(production.resolve("kv.db")), DatabaseFile.recordsWithoutDates(
                laptop.resolve("kv.db")));
    }

    @Test
    void ctrlCStopsTheServerWithStatus130AndRemovesItsPidFile() throws Exception {
        ServerProcess.createDatabase(production, KvDatabase.SCHEMA);
        try (ServerProcess server = ServerProcess.start(production, production.resolve("live.out"), liveArgs(
                production))) {
            server.awaitLine("serving");
            Programs.Result kill = Programs.exec(production, List.of("kill", "-INT",
                    Long.toString(server.process().pid())), 10);
            assertEquals(0, kill.status(), kill.output());
            assertEquals(130, server.waitFor(30), server.consoleText());
            assertTrue(server.consoleText().contains("|INFO |SampleDbServer|stopping on SIGINT\n"),
                    server.consoleText());
        }
        assertFalse(Files.exists(production.resolve("server.pid")));
    }

    /**
     * What every recording here holds: transactions, and the control commands an operator runs (as ovs-appctl sends
     * them: a JSON-RPC request per command on the control socket; OpenVswitchCompatibilityIT runs ovs-appctl itself).
     */
    private static Workload workload() {
        return dir -> {
            transact(dir, "incident");
            try (OvsdbTestClient control = OvsdbTestClient.connect("unix:" + dir.resolve("ctl"), TlsConfig.none())) {
                JsonNode stats = Json.parse(control.call("stats").asText());
                assertEquals("recording", stats.get("recording").get("directory").asText(), stats.toString());
                for (String command : new String[] {"vlog/list", "memory/show", "ovsdb-server/list-remotes",
                        "log-level"}) {
                    assertFalse(control.call(command).asText().isEmpty(), command);
                }
            }
            transact(dir, "after-stats");
        };
    }

    /** Work done while a server records. */
    @FunctionalInterface
    private interface Workload {
        void run(Path dir) throws Exception;
    }

    /**
     * Creates {@code dir/kv.db} and records a server there, as in production (pid file, log file, Unix and TCP
     * remotes, control socket), running {@code workload}, until it is asked to exit.
     */
    private static void record(Path dir, Workload workload) throws Exception {
        ServerProcess.createDatabase(dir, KvDatabase.SCHEMA);
        List<String> args = new ArrayList<>(liveArgs(dir));
        args.add("--replay-record=recording");
        try (ServerProcess server = ServerProcess.start(dir, dir.resolve("record.out"), args)) {
            server.awaitLine("serving");
            workload.run(dir);
            server.requestExit(dir.resolve("ctl"));
            assertEquals(0, server.waitFor(30), server.consoleText());
        }
    }

    private static List<String> liveArgs(Path dir) {
        return List.of("kv.db", "--remote=punix:" + dir.resolve("db.sock"), "--remote=ptcp:0:127.0.0.1",
                "--control=" + dir.resolve("ctl"), "--log-file=server.log", "--pidfile=server.pid");
    }

    private static void transact(Path dir, String prefix) throws Exception {
        try (OvsdbTestClient client = OvsdbTestClient.connect("unix:" + dir.resolve("db.sock"), TlsConfig.none())) {
            for (int i = 0; i < 5; i++) {
                JsonNode result = client.call("transact", "kvdb", Json.parse("{\"op\":\"insert\",\"table\":\"kv\","
                        + "\"row\":{\"name\":\"" + prefix + i + "\",\"value\":" + i + "}}"));
                assertFalse(result.get(0).has("error"), result.toString());
            }
        }
    }

    /** Every regular file under {@code dir} with its size and SHA-256 (sockets and directories left out). */
    private static Map<Path, String> contents(Path dir) throws Exception {
        Map<Path, String> files = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path file : (Iterable<Path>) walk::iterator) {
                if (Files.isRegularFile(file)) {
                    byte[] content = Files.readAllBytes(file);
                    files.put(dir.relativize(file), content.length + " bytes, SHA-256 " + HexFormat.of().formatHex(
                            MessageDigest.getInstance("SHA-256").digest(content)));
                }
            }
        }
        return files;
    }

}
