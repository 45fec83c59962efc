package io.streamreplay.dbserver;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamreplay.dbserver.storage.DatabaseFile;
import io.streamreplay.dbserver.testing.KvDatabase;
import io.streamreplay.dbserver.testing.OvsdbTestClient;
import io.streamreplay.dbserver.testing.ServerProcess;
import io.streamreplay.jsonrpc.Json;
import io.streamreplay.replay.RecordType;
import io.streamreplay.replay.RecordedEvent;
import io.streamreplay.replay.RecordingReader;
import io.streamreplay.stream.TlsConfig;
import io.streamreplay.testing.Programs;
import io.streamreplay.testing.Tiers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The recording directory of a real server process: a restart with the same {@code --replay-record=DIR} (after the
 * very crash that was to be recorded) keeps the earlier recording and is never blocked; a directory another user
 * owns, or could write to, is refused and nothing in it is followed; a directory made unwritable mid-run
 * ({@code chattr +i}) fails the recording, with errors in the server's {@code --log-file}, and its manifest is
 * marked {@code failed} once it can be, so that the replay ends at the failure with status 0. The tests that
 * {@code chown} and {@code chattr} need root (or passwordless sudo): they are in the system tier.
 */
class RecordingDirectoryIT {

    @TempDir
    Path dir;
    private final List<Path> immutable = new ArrayList<>();

    @BeforeEach
    void createDatabase() throws Exception {
        ServerProcess.createDatabase(dir, KvDatabase.SCHEMA);
    }

    @AfterEach
    void makeWritableAgain() throws Exception {
        for (Path path : immutable) {
            Programs.asRoot(List.of("chattr", "-i", path.toString()), 30);
        }
    }

    private List<String> args(String... more) {
        List<String> args = new ArrayList<>(List.of("kv.db", "--remote=punix:" + dir.resolve("db.sock"),
                "--control=" + dir.resolve("ctl")));
        args.addAll(List.of(more));
        return args;
    }

    @Test
    void aRestartWithTheSameRecordingDirectoryKeepsTheRecordingOfTheCrashAndRecordsAnew() throws Exception {
        try (ServerProcess server = ServerProcess.start(dir, dir.resolve("first.out"),
                args("--replay-record=recording"))) {
            server.awaitLine("serving \\[");
            insert("before-the-crash", 5);
            awaitRecorded(dir.resolve("recording"), "before-the-crash4");
            server.kill();
        }
        Map<String, byte[]> left = contents(dir.resolve("recording"));
        List<JsonNode> crashed = DatabaseFile.recordsWithoutDates(dir.resolve("kv.db"));
        Files.copy(dir.resolve("kv.db"), dir.resolve("after-crash.db"));
        String log;
        try (ServerProcess server = ServerProcess.start(dir, dir.resolve("second.out"),
                args("--replay-record=recording", "--log-file=" + dir.resolve("server.log")))) {
            server.awaitLine("serving \\[");
            insert("after-the-restart", 3);
            server.requestExit(dir.resolve("ctl"));
            assertEquals(0, server.waitFor(30), server.consoleText());
            log = Files.readString(dir.resolve("server.log"));
        }
        assertTrue(log.contains("|WARN |Recording|recording to recording: the recording that was there (started ")
                && log.contains(", status 'recording') was moved to recording/previous-1"),
                "the log file says where the earlier recording went:\n" + log);
        Map<String, byte[]> kept = contents(dir.resolve("recording").resolve("previous-1"));
        left.remove(".lock");
        assertEquals(left.keySet(), kept.keySet(), "every file the killed recorder left");
        for (Map.Entry<String, byte[]> file : left.entrySet()) {
            assertArrayEquals(file.getValue(), kept.get(file.getKey()), file.getKey() + " byte for byte");
        }

        ServerProcess.restoreDatabase(dir);
        assertEquals(0, ServerProcess.run(dir, dir.resolve("replay-crash.out"),
                args("--replay=recording/previous-1"), 60), Files.readString(dir.resolve("replay-crash.out")));
        assertTrue(Files.readString(dir.resolve("replay-crash.out")).contains("the recorded process was killed or"
                + " crashed here"));
        assertEquals(crashed, DatabaseFile.recordsWithoutDates(dir.resolve("kv.db")), "the crash's recording is whole");

        Files.copy(dir.resolve("after-crash.db"), dir.resolve("kv.db"), StandardCopyOption.REPLACE_EXISTING);
        assertEquals(0, ServerProcess.run(dir, dir.resolve("replay-restart.out"), args("--replay=recording"), 60),
                Files.readString(dir.resolve("replay-restart.out")));
        List<JsonNode> replayed = DatabaseFile.recordsWithoutDates(dir.resolve("kv.db"));
        assertEquals(crashed.size() + 3, replayed.size(), "and the restarted run's recording replays on the database"
                + " it started from");
        assertEquals(crashed, replayed.subList(0, crashed.size()));
    }

    @Test
    @Tag(Tiers.SYSTEM)
    void aDirectoryAnotherUserOwnsOrCanWriteToIsRefusedAndNothingInItIsFollowed() throws Exception {
        Path victim = Files.writeString(dir.resolve("victim"), "untouched");
        Path planted = dir.resolve("planted");
        Files.createDirectory(planted);
        Files.setPosixFilePermissions(planted, PosixFilePermissions.fromString("rwxrwxrwx"));
        Files.createSymbolicLink(planted.resolve("manifest.json.tmp"), victim);
        Files.createSymbolicLink(planted.resolve(".lock"), dir.resolve("created-through-a-link"));
        UserPrincipal nobody = dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
        Files.setOwner(planted, nobody);

        assertEquals(1, ServerProcess.run(dir, dir.resolve("foreign.out"), args("--replay-record=planted"), 30));
        assertTrue(Files.readString(dir.resolve("foreign.out")).contains("planted: refusing to record into a"
                + " directory owned by another user (nobody); a recording directory must belong to the recording"
                + " process's user"), Files.readString(dir.resolve("foreign.out")));

        Files.setOwner(planted, Files.getOwner(dir));
        assertEquals(1, ServerProcess.run(dir, dir.resolve("open.out"), args("--replay-record=planted"), 30));
        assertTrue(Files.readString(dir.resolve("open.out")).contains("planted: refusing to record into a directory"
                + " that others can write to (mode rwxrwxrwx); take their write permission away (chmod o-w)"),
                Files.readString(dir.resolve("open.out")));

        assertEquals("untouched", Files.readString(victim));
        assertFalse(Files.exists(dir.resolve("created-through-a-link"), LinkOption.NOFOLLOW_LINKS));
        assertEquals(List.of(".lock", "manifest.json.tmp"), list(planted), "nothing was created or moved there");
    }

    @Test
    @Tag(Tiers.SYSTEM)
    void aRecordingDirectoryMadeUnwritableMidRunFailsTheRecordingAndItsReplayEndsThereWithStatusZero()
            throws Exception {
        Path recording = dir.resolve("recording");
        Path logFile = dir.resolve("server.log");
        List<JsonNode> recorded;
        try (ServerProcess server = ServerProcess.start(dir, dir.resolve("record.out"),
                args("--replay-record=recording", "--log-file=" + logFile))) {
            server.awaitLine("serving \\[");
            insert("before", 3);
            chattr("+i", recording);
            insert("while-unwritable", 2);
            assertTrue(Files.readString(recording.resolve("manifest.json")).contains("\"status\" : \"recording\""));
            chattr("-i", recording);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!Files.readString(recording.resolve("manifest.json")).contains("\"status\" : \"failed\"")
                    && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            insert("after", 1);
            server.requestExit(dir.resolve("ctl"));
            assertEquals(0, server.waitFor(30), server.consoleText());
            recorded = DatabaseFile.recordsWithoutDates(dir.resolve("kv.db"));
        }
        JsonNode manifest = Json.parse(Files.readString(recording.resolve("manifest.json")));
        assertEquals("failed", manifest.get("status").asText(), "marked once it could be: " + manifest);
        assertTrue(manifest.get("error").asText().contains("Operation not permitted"), manifest.toString());
        String log = Files.readString(logFile);
        assertTrue(log.contains("|ERROR|Recording|recording to recording stopped after "
                + manifest.get("events").asLong() + " events: ") && log.contains("Operation not permitted"),
                "the errors reach the server's log file:\n" + log);
        assertTrue(log.contains("|ERROR|Recording|recording: cannot write the manifest ('failed')")
                && log.contains("|WARN |Recording|recording: the manifest could be written at last"), log);
        assertEquals(7, recorded.size(), "the server served on, unrecorded");

        ServerProcess.restoreDatabase(dir);
        int status = ServerProcess.run(dir, dir.resolve("replay.out"), args("--replay=recording"), 60);
        String replay = Files.readString(dir.resolve("replay.out"));
        assertEquals(0, status, replay);
        assertTrue(replay.contains("reached after " + manifest.get("events").asLong() + " events; recording stopped"
                + " here because writing it failed ("), replay);
        List<JsonNode> replayed = DatabaseFile.recordsWithoutDates(dir.resolve("kv.db"));
        assertEquals(recorded.subList(0, 4), replayed, "the replay ends at the failure, after the first three");
    }

    @Test
    @Tag(Tiers.SYSTEM)
    void anEarlierRecordingThatCannotBeMovedAsideIsKeptAsItIsAndTheServerStartsUnrecorded() throws Exception {
        // Killed, a recorder leaves its lock file, and the move fails; exited, it does not, and locking fails.
        for (boolean killed : new boolean[] {true, false}) {
            String name = killed ? "killed" : "exited";
            Path recording = dir.resolve(name);
            ServerProcess.restoreDatabase(dir);
            try (ServerProcess server = ServerProcess.start(dir, dir.resolve(name + "-first.out"),
                    args("--replay-record=" + name))) {
                server.awaitLine("serving \\[");
                insert("first", 2);
                if (killed) {
                    server.kill();
                } else {
                    server.requestExit(dir.resolve("ctl"));
                    assertEquals(0, server.waitFor(30), server.consoleText());
                }
            }
            String manifest = Files.readString(recording.resolve("manifest.json"));
            List<String> files = list(recording);
            chattr("+i", recording);

            try (ServerProcess server = ServerProcess.start(dir, dir.resolve(name + "-second.out"),
                    args("--replay-record=" + name))) {
                server.awaitLine("serving \\[");
                insert("second", 1);
                server.requestExit(dir.resolve("ctl"));
                assertEquals(0, server.waitFor(30), server.consoleText());
                assertTrue(server.consoleText().contains("|ERROR|Recording|recording to " + name + " stopped after 0"
                        + " events: " + (killed ? "the recording that is there cannot be moved aside, so nothing is"
                                + " recorded over it: " : "cannot lock the directory, and records nothing there: ")),
                        server.consoleText());
            }
            assertEquals(4, DatabaseFile.recordsWithoutDates(dir.resolve("kv.db")).size(),
                    name + ": the restart was not"
                            + " blocked");
            int exit = ServerProcess.run(dir, dir.resolve(name + "-exit.out"), args("--replay-record=" + name,
                    "--replay-record-on-error=exit"), 30);
            assertEquals(5, exit, name + ": under --replay-record-on-error=exit the failure stops the server at"
                    + " once: " + Files.readString(dir.resolve(name + "-exit.out")));
            chattr("-i", recording);
            assertEquals(manifest, Files.readString(recording.resolve("manifest.json")), name + ": the earlier"
                    + " manifest is kept");
            assertEquals(files, list(recording), name + ": and every file of the earlier recording");
        }
    }

    /**
     * Waits until the recording in {@code recording} holds a request naming {@code row}: a {@code kill -9} loses
     * what the server has not yet written, at most its last loop iteration.
     */
    private static void awaitRecorded(Path recording, String row) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            try (RecordingReader reader = RecordingReader.open(recording)) {
                for (RecordedEvent event = reader.next(); event != null; event = reader.next()) {
                    if (event.type() == RecordType.RECV_DATA
                            && new String(event.payload(), StandardCharsets.UTF_8).contains(row)) {
                        return;
                    }
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("the recording never held " + row);
    }

    private static Map<String, byte[]> contents(Path dir) throws Exception {
        Map<String, byte[]> files = new TreeMap<>();
        try (var listing = Files.list(dir)) {
            for (Path file : listing.filter(Files::isRegularFile).toList()) {
                files.put(file.getFileName().toString(), Files.readAllBytes(file));
            }
        }
        return files;
    }

    private void insert(String prefix, int count) throws Exception {
        try (OvsdbTestClient client = OvsdbTestClient.connect("unix:" + dir.resolve("db.sock"), TlsConfig.none())) {
            for (int i = 0; i < count; i++) {
                JsonNode result = client.call("transact", "kvdb", Json.parse("{\"op\":\"insert\",\"table\":\"kv\","
                        + "\"row\":{\"name\":\"" + prefix + i + "\"}}"));
                assertEquals(1, result.size(), result.toString());
            }
        }
    }

    private void chattr(String flag, Path path) throws Exception {
        Programs.asRoot(List.of("chattr", flag, path.toString()), 30);
        if (flag.equals("+i")) {
            immutable.add(path);
        }
    }

    private static List<String> list(Path dir) throws Exception {
        try (var files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString()).sorted().toList();
        }
    }
}
