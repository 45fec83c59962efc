package io.streamreplay.dbserver;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamreplay.dbserver.storage.DatabaseFile;
import io.streamreplay.dbserver.testing.Jdb;
import io.streamreplay.dbserver.testing.KvDatabase;
import io.streamreplay.dbserver.testing.OvsdbTestClient;
import io.streamreplay.dbserver.testing.ServerProcess;
import io.streamreplay.dbserver.testing.TransactingClient;
import io.streamreplay.jsonrpc.Json;
import io.streamreplay.jsonrpc.Message;
import io.streamreplay.replay.RecordType;
import io.streamreplay.replay.RecordedEvent;
import io.streamreplay.replay.RecordingReader;
import io.streamreplay.stream.TlsConfig;
import io.streamreplay.testing.LogLines;
import io.streamreplay.testing.TestCertificates;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The acceptance scenario, with real processes: a recorded server under load over Unix, TCP and TLS (one listener
 * failing, one client killed), stopped through its control socket, then the same command line replayed from the
 * recording alone must exit by itself and leave the same database file and log.
 */
class RecordReplayIT {

    @TempDir
    Path dir;

    @Test
    void aReplayedServerExitsByItselfWithTheSameDatabaseAndLog() throws Exception {
        Path db = ServerProcess.createDatabase(dir, KvDatabase.SCHEMA);
        TestCertificates.PemFiles pem = TestCertificates.get().pemFiles("server");
        List<String> args;
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            args = new ArrayList<>(List.of("kv.db", "--remote=punix:" + dir.resolve("db.sock"),
                    "--remote=ptcp:0:127.0.0.1", "--remote=pssl:0:127.0.0.1",
                    "--remote=ptcp:" + taken.getLocalPort() + ":127.0.0.1", "--control=" + dir.resolve("ctl"),
                    "--log-file=server.log", "--private-key=" + pem.key(), "--certificate=" + pem.certificate(),
                    "--ca-cert=" + pem.ca()));
            List<String> recordArgs = with(args, "--replay-record=recording");
            try (ServerProcess server = ServerProcess.start(dir, dir.resolve("record.out"), recordArgs)) {
                String tcp = "tcp:127.0.0.1:" + server.awaitLine("ptcp:(\\d+):127.0.0.1: listening").group(1);
                String ssl = "ssl:127.0.0.1:" + server.awaitLine("pssl:(\\d+):127.0.0.1: listening").group(1);
                server.awaitLine("cannot listen");
                server.awaitLine("serving");
                runWorkload("unix:" + dir.resolve("db.sock"), tcp, ssl);
                try (OvsdbTestClient control = OvsdbTestClient.connect("unix:" + dir.resolve("ctl"),
                        TlsConfig.none())) {
                    assertEquals("", control.call("exit").asText());
                }
                assertEquals(0, server.waitFor(30), server.consoleText());
            }
        }
        Path recordedDb = dir.resolve("recorded.db");
        Path recordedLog = dir.resolve("recorded.log");
        Files.move(db, recordedDb);
        Files.move(dir.resolve("server.log"), recordedLog);
        ServerProcess.restoreDatabase(dir);

        List<String> replayArgs = with(args, "--replay=recording");
        Files.writeString(dir.resolve("replay.out"), "");
        Map<Path, String> before = snapshot(dir);
        long start = System.nanoTime();
        int status = ServerProcess.run(dir, dir.resolve("replay.out"), replayArgs, 60);
        long replayMillis = (System.nanoTime() - start) / 1_000_000;
        assertEquals(0, status, Files.readString(dir.resolve("replay.out")));
        Map<Path, String> after = snapshot(dir);
        Set<Path> changed = new TreeSet<>();
        for (Path file : union(before.keySet(), after.keySet())) {
            if (!Objects.equals(before.get(file), after.get(file))) {
                changed.add(dir.relativize(file));
            }
        }
        assertEquals(Set.of(Path.of("kv.db"), Path.of("server.log"), Path.of("replay.out")), changed,
                "a replay writes its database and its log (and the test its console) and nothing else");
        assertEquals(DatabaseFile.recordsWithoutDates(recordedDb), DatabaseFile.recordsWithoutDates(db),
                "the replayed database differs from the recorded one");
        assertEquals(LogLines.withoutTimestamps(recordedLog), LogLines.withoutTimestamps(dir.resolve("server.log")),
                "the replay's log differs from the recorded run's");
        assertFalse(Files.exists(dir.resolve("db.sock")), "a replay must not create sockets");
        System.out.printf("acceptance: %d records in the database, replay took %d ms%n",
                DatabaseFile.recordsWithoutDates(db).size(),
                replayMillis);
    }

    @Test
    void aServerKilledWhileRecordingReplaysToItsLastRecordedTransaction() throws Exception {
        Path db = ServerProcess.createDatabase(dir, KvDatabase.SCHEMA);
        List<String> args = unixServer();
        List<String> recordArgs = with(args, "--replay-record=recording");
        try (ServerProcess server = ServerProcess.start(dir, dir.resolve("record.out"), recordArgs)) {
            server.awaitLine("serving");
            Process client = TransactingClient.start("unix:" + dir.resolve("db.sock"), "k");
            Thread.sleep(700);
            server.kill();
            client.destroyForcibly();
        }
        Path recordedDb = dir.resolve("recorded.db");
        Files.move(db, recordedDb);
        ServerProcess.restoreDatabase(dir);
        Files.deleteIfExists(dir.resolve("db.sock"));
        List<String> replayArgs = with(args, "--replay=recording");
        int status = ServerProcess.run(dir, dir.resolve("replay.out"), replayArgs, 60);
        String output = Files.readString(dir.resolve("replay.out"));
        assertEquals(0, status, output);
        assertTrue(output.contains("|WARN |Replay|replay of recording ended where the recording ends, after ")
                && output.contains(": end of recording recording reached after ")
                && output.contains(" events; the recorded process was killed or crashed here"), output);
        List<JsonNode> recorded = DatabaseFile.recordsWithoutDates(recordedDb);
        List<JsonNode> replayed = DatabaseFile.recordsWithoutDates(db);
        assertTrue(replayed.size() > 1, "the replay committed nothing");
        assertTrue(replayed.size() <= recorded.size(), "the replay committed more than the recorded run");
        assertEquals(recorded.subList(0, replayed.size()), replayed,
                "the replayed transactions are not the recorded run's, in order");
    }

    @Test
    void aServerStoppedBySigtermSaysSoInItsManifestAndItsReplayEndsThereWithStatusZero() throws Exception {
        Path db = ServerProcess.createDatabase(dir, KvDatabase.SCHEMA);
        List<String> args = unixServer();
        List<String> recordArgs = with(args, "--replay-record=recording");
        try (ServerProcess server = ServerProcess.start(dir, dir.resolve("record.out"), recordArgs)) {
            server.awaitLine("serving");
            transact("unix:" + dir.resolve("db.sock"), TlsConfig.none(), "t", 8);
            server.process().destroy();
            assertEquals(143, server.waitFor(30), server.consoleText());
        }
        assertTrue(Files.readString(dir.resolve("recording").resolve("manifest.json"))
                .contains("\"status\" : \"stopped\""));
        List<JsonNode> recorded = DatabaseFile.recordsWithoutDates(db);
        ServerProcess.restoreDatabase(dir);
        List<String> replayArgs = with(args, "--replay=recording");
        int status = ServerProcess.run(dir, dir.resolve("replay.out"), replayArgs, 60);
        String output = Files.readString(dir.resolve("replay.out"));
        assertEquals(0, status, output);
        assertTrue(output.contains("the recorded process was stopped here from outside (a signal such as SIGTERM)"),
                output);
        assertEquals(recorded, DatabaseFile.recordsWithoutDates(db));

        // Another log level cannot change what the server does: no warning, and it replays.
        ServerProcess.restoreDatabase(dir);
        List<String> louder = with(replayArgs, "--log-level=io.streamreplay=info");
        assertEquals(0, ServerProcess.run(dir, dir.resolve("louder.out"), louder, 60));
        assertFalse(Files.readString(dir.resolve("louder.out")).contains("differs"),
                Files.readString(dir.resolve("louder.out")));
        assertEquals(recorded, DatabaseFile.recordsWithoutDates(db));

        // Given the wrong database, the replay refuses it before reading it, and leaves it as it is.
        byte[] replayed = Files.readAllBytes(db);
        int refused = ServerProcess.run(dir, dir.resolve("refused.out"), replayArgs, 60);
        String refusal = Files.readString(dir.resolve("refused.out"));
        assertEquals(1, refused, refusal);
        assertTrue(refusal.contains("|ERROR|SampleDbServer|kv.db is not the file this recording started from (it"
                + " has " + replayed.length + " bytes"), refusal);
        assertArrayEquals(replayed, Files.readAllBytes(db), "the database the replay refused is untouched");

        // A recording made before the manifest held the starting state is not checked: started from the wrong
        // database, the replay's first reply differs, in one clear line, without a stack trace.
        Path manifest = dir.resolve("recording").resolve("manifest.json");
        JsonNode withCopies = Json.parse(Files.readString(manifest));
        ((ObjectNode) withCopies).remove("startingFiles");
        Files.writeString(manifest, withCopies.toPrettyString());
        int diverged = ServerProcess.run(dir, dir.resolve("diverged.out"), replayArgs, 60);
        String divergence = Files.readString(dir.resolve("diverged.out"));
        assertEquals(4, diverged, divergence);
        assertTrue(divergence
                .matches("(?s).*\\|ERROR\\|SampleDbServer\\|replay of recording diverged at event #\\d+: 'unix:"
                        + ".*' sent other bytes than the \\d+ recorded at #\\d+ \\(file \\d{8}-unix-.*\\.srr, offset \\d+\\)\n.*"),
                divergence);
        assertFalse(divergence.contains("Exception") || divergence.contains("\tat "), divergence);
    }

    @Test
    void aReplayStoppedAtARequestHasCommittedExactlyTheTransactionsUpToItAndWaitsIdle() throws Exception {
        Path db = ServerProcess.createDatabase(dir, KvDatabase.SCHEMA);
        List<String> args = unixServer();
        List<String> recordArgs = with(args, "--replay-record=recording");
        try (ServerProcess server = ServerProcess.start(dir, dir.resolve("record.out"), recordArgs)) {
            server.awaitLine("serving");
            transact("unix:" + dir.resolve("db.sock"), TlsConfig.none(), "x", 12);
            server.requestExit(dir.resolve("ctl"));
            assertEquals(0, server.waitFor(30), server.consoleText());
        }
        List<JsonNode> recorded = DatabaseFile.recordsWithoutDates(db);

        // The seventh transact request, as replay-tool dump would show it.
        long seq;
        try (RecordingReader reader = RecordingReader.open(dir.resolve("recording"))) {
            List<Long> requests = new ArrayList<>();
            for (RecordedEvent event = reader.next(); event != null; event = reader.next()) {
                if (event.type() == RecordType.RECV_DATA
                        && new String(event.payload(), StandardCharsets.UTF_8).contains("\"transact\"")) {
                    requests.add(event.seq());
                }
            }
            assertEquals(12, requests.size());
            seq = requests.get(6);
        }
        ServerProcess.restoreDatabase(dir);
        List<String> replayArgs = with(args, "--replay=recording", "--replay-stop-at=" + seq);
        try (ServerProcess replay = ServerProcess.start(dir, dir.resolve("stopped.out"), replayArgs)) {
            replay.awaitLine("stopped at event #" + seq + " as asked \\(--replay-stop-at\\): event #" + seq
                    + " was the last delivered");
            Thread.sleep(300);
            assertTrue(replay.process().isAlive(), "the stopped replay stays up for a debugger");
            assertEquals(List.of(), networkSockets(replay.process().pid()),
                    "a replay holds no network socket, no listener and no named socket");
            List<JsonNode> replayed = DatabaseFile.recordsWithoutDates(db);
            assertEquals(recorded.subList(0, 1 + 7), replayed,
                    "the schema record and exactly the seven transactions up to the stop point");
            replay.kill();
        }
    }

    /**
     * The guide's jdb recipe, run as written: a replay stopped before a request, a fresh jdb attach (no thread
     * current), a breakpoint in the idle loop to get one, resume, a breakpoint in the request's handling, its
     * arguments, then the replay runs to its end.
     */
    @Test
    void aFreshJdbAttachResumesAStoppedReplayAndStopsInTheNextRequest() throws Exception {
        Path db = ServerProcess.createDatabase(dir, KvDatabase.SCHEMA);
        List<String> args = unixServer();
        try (ServerProcess server = ServerProcess.start(dir, dir.resolve("record.out"), with(args,
                "--replay-record=recording"))) {
            server.awaitLine("serving");
            transact("unix:" + dir.resolve("db.sock"), TlsConfig.none(), "j", 4);
            server.requestExit(dir.resolve("ctl"));
            assertEquals(0, server.waitFor(30), server.consoleText());
        }
        List<JsonNode> recorded = DatabaseFile.recordsWithoutDates(db);
        long seq;
        try (RecordingReader reader = RecordingReader.open(dir.resolve("recording"))) {
            List<Long> requests = new ArrayList<>();
            for (RecordedEvent event = reader.next(); event != null; event = reader.next()) {
                if (event.type() == RecordType.RECV_DATA
                        && new String(event.payload(), StandardCharsets.UTF_8).contains("\"transact\"")) {
                    requests.add(event.seq());
                }
            }
            seq = requests.get(2);
        }
        Files.delete(db);
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        try (ServerProcess replay = ServerProcess.start(dir, dir.resolve("debugged.out"), List.of(
                "-agentlib:jdwp=transport=dt_socket,server=y,suspend=n,address=127.0.0.1:" + port),
                List.of("--replay=recording", "--replay-stop-at=" + (seq - 1)))) {
            replay.awaitLine("stopped at event #" + (seq - 1));
            try (Jdb jdb = Jdb.attach(port)) {
                jdb.command("stop in io.streamreplay.replay.ReplayStop.resumeRequested", "Set breakpoint");
                jdb.await("Breakpoint hit: \"thread=main\", io.streamreplay.replay.ReplayStop.resumeRequested");
                jdb.command("clear io.streamreplay.replay.ReplayStop.resumeRequested", "Removed");
                jdb.command("stop in io.streamreplay.dbserver.server.OvsdbServer.transact", "Set breakpoint");
                jdb.command("set io.streamreplay.replay.ReplayStop.resume = true", "= true");
                jdb.command("cont", "Breakpoint hit: \"thread=main\", io.streamreplay.dbserver.server.OvsdbServer"
                        + ".transact");
                String locals = jdb.command("locals", "request = instance of io.streamreplay.jsonrpc.Message");
                assertTrue(locals.contains("client = instance of"), locals);
                jdb.command("clear io.streamreplay.dbserver.server.OvsdbServer.transact", "Removed");
                jdb.command("cont", "The application exited");
            }
            assertEquals(0, replay.waitFor(30), replay.consoleText());
            assertTrue(replay.consoleText().contains("resumed by a debugger at event #" + seq),
                    replay.consoleText());
        }
        assertEquals(recorded, DatabaseFile.recordsWithoutDates(db));
    }

    /**
     * The runnable jar keeps Zstandard's native library for Linux, macOS (x86_64, aarch64) and Windows (x86_64) only,
     * and on this machine a recording compressed with it replays to the same database.
     */
    @Test
    void theRunnableJarRecordsWithZstandardAndReplays() throws Exception {
        Set<String> natives = new TreeSet<>();
        try (JarFile jar = new JarFile(ServerProcess.JAR.toFile())) {
            jar.stream().map(JarEntry::getName).filter(name -> name.contains("libzstd-jni")).forEach(natives::add);
        }
        Set<String> platforms = new TreeSet<>();
        natives.forEach(name -> platforms.add(name.substring(0, name.lastIndexOf('/'))));
        assertEquals(Set.of("darwin/aarch64", "darwin/x86_64", "linux/aarch64", "linux/amd64", "win/amd64"),
                platforms, natives.toString());

        Path db = ServerProcess.createDatabase(dir, KvDatabase.SCHEMA);
        List<String> args = unixServer();
        try (ServerProcess server = ServerProcess.start(dir, dir.resolve("record.out"), with(args,
                "--replay-record=recording", "--replay-record-compress=zstd"))) {
            server.awaitLine("serving");
            transact("unix:" + dir.resolve("db.sock"), TlsConfig.none(), "z", 20);
            server.requestExit(dir.resolve("ctl"));
            assertEquals(0, server.waitFor(30), server.consoleText());
        }
        List<JsonNode> recorded = DatabaseFile.recordsWithoutDates(db);
        ServerProcess.restoreDatabase(dir);
        int status = ServerProcess.run(dir, dir.resolve("replay.out"), with(args, "--replay=recording"), 60);
        assertEquals(0, status, Files.readString(dir.resolve("replay.out")));
        assertEquals(recorded, DatabaseFile.recordsWithoutDates(db));
    }

    /** The server on a Unix socket and a control socket in the test's directory. */
    private List<String> unixServer() {
        return List.of("kv.db", "--remote=punix:" + dir.resolve("db.sock"), "--control=" + dir.resolve("ctl"));
    }

    private static List<String> with(List<String> args, String... more) {
        List<String> all = new ArrayList<>(args);
        all.addAll(List.of(more));
        return all;
    }

    /** A monitor, three transacting clients (Unix, TCP, TLS) and one client process killed mid-run. */
    private void runWorkload(String unix, String tcp, String ssl) throws Exception {
        TlsConfig clientTls = TestCertificates.get().clientPem();
        try (OvsdbTestClient monitor = OvsdbTestClient.connect(unix, TlsConfig.none())) {
            monitor.call("monitor", "kvdb", null, Json.parse("{\"kv\":{\"columns\":[\"name\",\"value\"]}}"));
            Process victim = TransactingClient.start(tcp, "victim-");
            ExecutorService pool = Executors.newFixedThreadPool(3);
            try {
                List<Future<Integer>> done = new ArrayList<>();
                done.add(pool.submit(() -> transact(unix, TlsConfig.none(), "u", 120)));
                done.add(pool.submit(() -> transact(tcp, TlsConfig.none(), "t", 120)));
                done.add(pool.submit(() -> transact(ssl, clientTls, "s", 120)));
                Thread.sleep(300);
                victim.destroyForcibly().waitFor();
                int total = 0;
                for (Future<Integer> future : done) {
                    total += future.get();
                }
                assertEquals(360, total);
            } finally {
                pool.shutdownNow();
            }
            assertFalse(monitor.awaitNotifications(1).isEmpty());
            try (OvsdbTestClient waiter = OvsdbTestClient.connect(unix, TlsConfig.none())) {
                // A wait that times out: the replay must fire the same timer at the same point.
                Message reply = waiter.request("transact", "kvdb", Json.parse("{\"op\":\"wait\",\"table\":\"kv\","
                        + "\"where\":[[\"name\",\"==\",\"never\"]],\"until\":\"!=\",\"rows\":[],\"timeout\":100}"));
                assertEquals("timed out", reply.result().get(0).get("error").asText());
            }
        }
    }

    /** The standard workload: by j % 4, insert, insert, update and delete of the row inserted two steps before. */
    private static int transact(String remote, TlsConfig tls, String prefix, int count) throws Exception {
        try (OvsdbTestClient client = OvsdbTestClient.connect(remote, tls)) {
            for (int j = 0; j < count; j++) {
                String op = switch (j % 4) {
                    case 0, 1 -> "{\"op\":\"insert\",\"table\":\"kv\",\"row\":{\"name\":\"" + prefix + j
                            + "\",\"value\":" + j + ",\"tags\":[\"set\",[\"a\",\"b\"]]}}";
                    case 2 -> "{\"op\":\"mutate\",\"table\":\"kv\",\"where\":[[\"name\",\"==\",\"" + prefix + (j - 2)
                            + "\"]],\"mutations\":[[\"value\",\"*=\",-1],[\"tags\",\"delete\",\"a\"]]}";
                    default -> "{\"op\":\"delete\",\"table\":\"kv\",\"where\":[[\"name\",\"==\",\"" + prefix
                            + (j - 2) + "\"]]}";
                };
                JsonNode result = client.call("transact", "kvdb", Json.parse(op),
                        Json.parse("{\"op\":\"comment\",\"comment\":\"" + prefix + " step " + j + "\"}"));
                assertFalse(result.get(0).has("error"), result.toString());
            }
            return count;
        }
    }

    /**
     * The sockets process {@code pid} holds other than the one the JDK itself keeps (one end of a socketpair whose
     * other end is closed, an unnamed Unix socket, used to close files asynchronously): every TCP or UDP socket,
     * and every Unix socket that listens or has a name, as {@code fd -> description}.
     */
    private static List<String> networkSockets(long pid) throws IOException {
        Path proc = Path.of("/proc", Long.toString(pid));
        Map<String, String> unix = new HashMap<>();
        for (String line : Files.readAllLines(proc.resolve("net/unix"))) {
            String[] fields = line.trim().split("\\s+");
            if (fields.length >= 7 && fields[6].matches("\\d+")) {
                boolean listening = (Integer.parseInt(fields[3], 16) & 0x10000) != 0;
                unix.put(fields[6], listening || fields.length > 7 ? "unix " + String.join(" ", fields) : "");
            }
        }
        List<String> found = new ArrayList<>();
        int unnamed = 0;
        try (var fds = Files.list(proc.resolve("fd"))) {
            for (Path fd : (Iterable<Path>) fds::iterator) {
                String target = Files.readSymbolicLink(fd).toString();
                if (!target.startsWith("socket:[")) {
                    continue;
                }
                String inode = target.substring("socket:[".length(), target.length() - 1);
                String described = unix.get(inode);
                if (described == null) {
                    found.add(fd.getFileName() + " -> " + target + " (not a Unix socket)");
                } else if (!described.isEmpty() || ++unnamed > 1) {
                    found.add(fd.getFileName() + " -> " + (described.isEmpty() ? "another unnamed Unix socket"
                            : described));
                }
            }
        }
        return found;
    }

    /** Every file under {@code root} (the recording's files included) with its size and modification time. */
    private static Map<Path, String> snapshot(Path root) throws IOException {
        Map<Path, String> files = new HashMap<>();
        try (var walk = Files.walk(root)) {
            for (Path file : (Iterable<Path>) walk::iterator) {
                files.put(file, Files.isDirectory(file) ? "dir"
                        : Files.size(file) + "@" + Files.getLastModifiedTime(file).toMillis());
            }
        }
        return files;
    }

    private static Set<Path> union(Set<Path> a, Set<Path> b) {
        Set<Path> all = new HashSet<>(a);
        all.addAll(b);
        return all;
    }

}
