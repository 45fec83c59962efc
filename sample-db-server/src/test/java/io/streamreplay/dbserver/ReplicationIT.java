package io.streamreplay.dbserver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamreplay.dbserver.storage.DatabaseFile;
import io.streamreplay.dbserver.testing.Conditions;
import io.streamreplay.dbserver.testing.OpenVswitchServer;
import io.streamreplay.dbserver.testing.OpenVswitchTools;
import io.streamreplay.dbserver.testing.OvsdbTestClient;
import io.streamreplay.dbserver.testing.ServerProcess;
import io.streamreplay.dbserver.testing.TableContents;
import io.streamreplay.jsonrpc.Json;
import io.streamreplay.jsonrpc.Message;
import io.streamreplay.stream.TlsConfig;
import io.streamreplay.testing.LogLines;
import io.streamreplay.testing.Programs;
import io.streamreplay.testing.Tiers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Active-backup replication with Open vSwitch's own ovsdb-server 3.1, both ways: our backup mirrors its active
 * server, its backup mirrors ours; both backups refuse writes with the same replies; the replication control
 * commands answer {@code ovs-appctl} as ovsdb-server's do; and our backup, recorded while it replicates from
 * ovsdb-server, replays alone without it.
 */
@Tag(Tiers.SYSTEM)
class ReplicationIT {

    /** {@code kvdb} with a second table, {@code scratch}, that the backups leave out. */
    static final String SCHEMA = "{\"name\":\"kvdb\",\"version\":\"1.0.0\",\"tables\":{\"kv\":{\"columns\":{"
            + "\"name\":{\"type\":\"string\"},\"value\":{\"type\":\"integer\"},"
            + "\"tags\":{\"type\":{\"key\":\"string\",\"min\":0,\"max\":\"unlimited\"}}},"
            + "\"indexes\":[[\"name\"]]},\"scratch\":{\"columns\":{\"n\":{\"type\":\"integer\"}}}}}";
    private static final String EXCLUDE = "--sync-exclude-tables=kvdb:scratch";

    @TempDir
    Path dir;

    @BeforeAll
    static void installOpenVswitch() throws Exception {
        OpenVswitchTools.ensureInstalled();
    }

    @Test
    @SuppressWarnings("try") // our server is held running for the duration, not used
    void ourBackupMirrorsOpenVswitchsActiveAndRefusesWritesAsItsBackupDoes() throws Exception {
        createDatabases("active", "theirs", "ours");
        try (OpenVswitchServer active = OpenVswitchServer.start(dir, "active", dir.resolve("active.db"));
                OpenVswitchServer theirs = OpenVswitchServer.start(dir, "theirs", dir.resolve("theirs.db"),
                        List.of("--sync-from=" + active.remote(), EXCLUDE));
                ServerProcess ours = startOurs("ours", "--sync-from=" + active.remote(), EXCLUDE)) {
            awaitReplicating(theirs.control());
            awaitReplicating(dir.resolve("ours.ctl"));
            writeWorkload(active.remote());
            String expected = contents(active.remote(), "kv");
            Conditions.await(() -> contents("unix:" + dir.resolve("ours.sock"), "kv"), expected::equals, 30,
                    "our backup to hold the active's rows " + expected);
            Conditions.await(() -> contents(theirs.remote(), "kv"), expected::equals, 30,
                    "ovsdb-server's backup to hold the active's rows");
            assertEquals("{}", contents("unix:" + dir.resolve("ours.sock"), "scratch"), "an excluded table");
            assertTrue(!"{}".equals(contents(active.remote(), "scratch")));

            // Every reply of a backup, member by member, as ovsdb-server's backup sends it.
            try (OvsdbTestClient their = OvsdbTestClient.connect(theirs.remote(), TlsConfig.none());
                    OvsdbTestClient our = OvsdbTestClient.connect("unix:" + dir.resolve("ours.sock"),
                            TlsConfig.none())) {
                for (String request : BACKUP_REQUESTS) {
                    JsonNode line = Json.parse(request);
                    List<Object> params = new ArrayList<>();
                    for (int i = 1; i < line.size(); i++) {
                        params.add(line.get(i));
                    }
                    String method = line.get(0).textValue();
                    Message expectedReply = their.request(method, params.toArray());
                    Message actual = our.request(method, params.toArray());
                    assertEquals(expectedReply.type(), actual.type(), request);
                    assertEquals(expectedReply.result(), actual.result(), request);
                    assertEquals(expectedReply.error(), actual.error(), request);
                }
            }
            for (String command : List.of("ovsdb-server/sync-status", "ovsdb-server/get-active-ovsdb-server",
                    "ovsdb-server/get-sync-exclude-tables")) {
                assertEquals(appctl(theirs.control(), command), appctl(dir.resolve("ours.ctl"), command), command);
            }
        }
    }

    /** Requests to a backup: writes of every kind (refused), reads (answered), locks (refused). */
    private static final List<String> BACKUP_REQUESTS = List.of(
            "[\"transact\",\"kvdb\",{\"op\":\"insert\",\"table\":\"kv\",\"row\":{\"name\":\"new\"}}]",
            "[\"transact\",\"kvdb\",{\"op\":\"select\",\"table\":\"kv\",\"where\":[[\"name\",\"==\",\"b\"]],"
                    + "\"columns\":[\"name\",\"value\",\"tags\"]},{\"op\":\"delete\",\"table\":\"kv\","
                    + "\"where\":[]}]",
            "[\"transact\",\"kvdb\",{\"op\":\"comment\",\"comment\":\"c\"},{\"op\":\"commit\",\"durable\":false}]",
            "[\"transact\",\"kvdb\",{\"op\":\"update\",\"table\":\"kv\",\"where\":[],\"row\":{\"value\":1}}]",
            "[\"transact\",\"kvdb\",{\"op\":\"update\",\"table\":\"kv\",\"where\":[],\"row\":{\"bogus\":1}}]",
            "[\"transact\",\"kvdb\",{\"op\":\"mutate\",\"table\":\"kv\",\"where\":[],"
                    + "\"mutations\":[[\"value\",\"+=\",1]]},{\"op\":\"abort\"}]",
            "[\"transact\",\"kvdb\",{\"op\":\"insert\",\"table\":\"scratch\",\"row\":{\"n\":1}}]",
            "[\"transact\",\"kvdb\",{\"op\":\"wait\",\"table\":\"kv\",\"where\":[[\"name\",\"==\",\"a\"]],"
                    + "\"columns\":[\"value\"],\"until\":\"==\",\"rows\":[{\"value\":10}],\"timeout\":0}]",
            "[\"transact\",\"_Server\",{\"op\":\"delete\",\"table\":\"Database\",\"where\":[]}]",
            "[\"transact\",\"kvdb\",{\"op\":\"assert\",\"lock\":\"l\"}]",
            "[\"lock\",\"l\"]", "[\"steal\",\"l\"]", "[\"unlock\",\"l\"]", "[\"lock\"]", "[\"list_dbs\"]");

    @Test
    @SuppressWarnings("try") // the active is stopped in the middle, on purpose
    void ourRecordedBackupOfOpenVswitchReplaysAloneWithoutIt() throws Exception {
        createDatabases("active", "ours");
        try (OpenVswitchServer active = OpenVswitchServer.start(dir, "active", dir.resolve("active.db"));
                ServerProcess ours = startOurs("ours", "--sync-from=" + active.remote(), EXCLUDE,
                        "--replay-record=recording")) {
            awaitReplicating(dir.resolve("ours.ctl"));
            writeWorkload(active.remote());
            String expected = contents(active.remote(), "kv");
            Conditions.await(() -> contents("unix:" + dir.resolve("ours.sock"), "kv"), expected::equals, 30,
                    "our backup to catch up");
            active.close();
            Conditions.await(() -> Files.readString(dir.resolve("ours.log")), log -> log.contains(
                    "connection attempt failed"), 30, "our backup to try again");
            ours.requestExit(dir.resolve("ours.ctl"));
            assertEquals(0, ours.waitFor(30), ours.consoleText());
        }
        // No ovsdb-server now: the replay has all it needs in its recording.
        Path replay = Files.createDirectories(dir.resolve("replay"));
        int status = ServerProcess.run(replay, replay.resolve("replay.out"), List.of("--replay=" + dir.resolve(
                "recording"), "--log-file=" + replay.resolve("ours.log")), 60);
        assertEquals(0, status, Files.readString(replay.resolve("replay.out")));
        assertEquals(DatabaseFile.recordsWithoutDates(dir.resolve("ours.db")), DatabaseFile.recordsWithoutDates(
                replay.resolve("ours.db")));
        assertEquals(LogLines.withoutTimestamps(dir.resolve("ours.log")), LogLines.withoutTimestamps(replay
                .resolve("ours.log")));
    }

    @Test
    @SuppressWarnings("try") // our server is held running for the duration, not used
    void openVswitchsBackupMirrorsOurActive() throws Exception {
        createDatabases("ours", "theirs");
        try (ServerProcess ours = startOurs("ours");
                OpenVswitchServer theirs = OpenVswitchServer.start(dir, "theirs", dir.resolve("theirs.db"),
                        List.of("--sync-from=unix:" + dir.resolve("ours.sock"), EXCLUDE))) {
            String remote = "unix:" + dir.resolve("ours.sock");
            awaitReplicating(theirs.control());
            writeWorkload(remote);
            String expected = contents(remote, "kv");
            Conditions.await(() -> contents(theirs.remote(), "kv"), expected::equals, 30,
                    "ovsdb-server's backup to hold our rows " + expected);
            assertEquals("{}", contents(theirs.remote(), "scratch"));
            assertEquals("state: backup\nreplicating: " + remote + "\ndatabase: kvdb\nexclude: kvdb:scratch\n",
                    appctl(theirs.control(), "ovsdb-server/sync-status").output());
            assertEquals("state: active\n", appctl(dir.resolve("ours.ctl"), "ovsdb-server/sync-status").output());
        }
    }

    @Test
    @SuppressWarnings("try") // our server is held running for the duration, not used
    void everyDatabaseBothServeIsReplicatedAndReportedAsOvsdbServerReportsThem() throws Exception {
        createDatabases("active", "theirs", "ours");
        Files.writeString(dir.resolve("lab.ovsschema"), SCHEMA.replace("\"kvdb\"", "\"lab\""));
        for (String name : List.of("active-lab", "theirs-lab", "ours-lab")) {
            Programs.Result created = Programs.exec(dir, List.of("ovsdb-tool", "create", name + ".db",
                    "lab.ovsschema"), 30);
            assertEquals(0, created.status(), created.output());
        }
        try (OpenVswitchServer active = OpenVswitchServer.start(dir, "active", dir.resolve("active.db"),
                List.of(dir.resolve("active-lab.db").toString()));
                OpenVswitchServer theirs = OpenVswitchServer.start(dir, "theirs", dir.resolve("theirs.db"),
                        List.of(dir.resolve("theirs-lab.db").toString(), "--sync-from=" + active.remote(),
                                "--sync-exclude-tables=lab:scratch,kvdb:scratch"));
                ServerProcess ours = startOurs("ours", "ours-lab.db", "--sync-from=" + active.remote(),
                        "--sync-exclude-tables=lab:scratch,kvdb:scratch")) {
            awaitReplicating(theirs.control());
            awaitReplicating(dir.resolve("ours.ctl"));
            try (OvsdbTestClient client = OvsdbTestClient.connect(active.remote(), TlsConfig.none())) {
                client.call("transact", "lab", Json.parse("{\"op\":\"insert\",\"table\":\"kv\",\"row\":{"
                        + "\"name\":\"in-lab\"}}"));
                client.call("transact", "kvdb", Json.parse("{\"op\":\"insert\",\"table\":\"kv\",\"row\":{"
                        + "\"name\":\"in-kvdb\"}}"));
            }
            for (String db : List.of("lab", "kvdb")) {
                String expected = TableContents.of(active.remote(), db, "kv");
                Conditions.await(() -> TableContents.of("unix:" + dir.resolve("ours.sock"), db, "kv"),
                        expected::equals, 30, "our backup to hold " + db);
            }
            // ovsdb-server lists the databases in the order of its hash table, which we saw differ between runs.
            assertEquals(databasesSorted(appctl(theirs.control(), "ovsdb-server/sync-status").output()),
                    appctl(dir.resolve("ours.ctl"), "ovsdb-server/sync-status").output());
        }
    }

    @Test
    @SuppressWarnings("try") // our server is held running for the duration, not used
    void replicationControlCommandsAnswerAsOpenVswitchsDo() throws Exception {
        createDatabases("active", "theirs", "ours");
        try (OpenVswitchServer active = OpenVswitchServer.start(dir, "active", dir.resolve("active.db"));
                OpenVswitchServer theirs = OpenVswitchServer.start(dir, "theirs", dir.resolve("theirs.db"));
                ServerProcess ours = startOurs("ours")) {
            Path ourControl = dir.resolve("ours.ctl");
            List<List<String>> commands = List.of(
                    List.of("ovsdb-server/sync-status"),
                    List.of("ovsdb-server/get-active-ovsdb-server"),
                    List.of("ovsdb-server/connect-active-ovsdb-server"),
                    List.of("ovsdb-server/get-sync-exclude-tables"),
                    List.of("ovsdb-server/set-sync-exclude-tables", "kvdb:scratch, kvdb:z kvdb"),
                    List.of("ovsdb-server/get-sync-exclude-tables"),
                    List.of("ovsdb-server/set-sync-exclude-tables", "::kvdb:scratch,kvdb::z :"),
                    List.of("ovsdb-server/get-sync-exclude-tables"),
                    List.of("ovsdb-server/set-active-ovsdb-server"),
                    List.of("ovsdb-server/set-active-ovsdb-server", active.remote()),
                    List.of("ovsdb-server/get-active-ovsdb-server"),
                    List.of("ovsdb-server/sync-status"),
                    List.of("ovsdb-server/set-active-ovsdb-server-probe-interval", "soon"),
                    List.of("ovsdb-server/set-active-ovsdb-server-probe-interval", "30000"),
                    List.of("ovsdb-server/connect-active-ovsdb-server"));
            for (List<String> command : commands) {
                assertSameAnswer(theirs.control(), ourControl, command);
            }
            awaitReplicating(theirs.control());
            awaitReplicating(ourControl);
            assertSameAnswer(theirs.control(), ourControl, List.of("ovsdb-server/sync-status"));
            assertSameAnswer(theirs.control(), ourControl, List.of("ovsdb-server/set-sync-exclude-tables",
                    "kvdb:scratch"));
            awaitReplicating(theirs.control());
            awaitReplicating(ourControl);
            for (List<String> command : List.of(List.of("ovsdb-server/sync-status"),
                    List.of("ovsdb-server/disconnect-active-ovsdb-server"), List.of("ovsdb-server/sync-status"),
                    List.of("ovsdb-server/get-active-ovsdb-server"),
                    List.of("ovsdb-server/disconnect-active-ovsdb-server", "extra"))) {
                assertSameAnswer(theirs.control(), ourControl, command);
            }
            // Active again: writes are accepted.
            try (OvsdbTestClient client = OvsdbTestClient.connect("unix:" + dir.resolve("ours.sock"),
                    TlsConfig.none())) {
                JsonNode result = client.call("transact", "kvdb", Json.parse("{\"op\":\"insert\",\"table\":\"kv\","
                        + "\"row\":{\"name\":\"after\"}}"));
                assertTrue(result.get(0).has("uuid"), result.toString());
            }
        }
    }

    @Test
    @SuppressWarnings("try") // the servers are held running for the duration, not used
    void whileTheActiveIsGoneBothBackupsReportTheirStatusAlike() throws Exception {
        createDatabases("active", "theirs", "ours");
        OpenVswitchServer active = OpenVswitchServer.start(dir, "active", dir.resolve("active.db"));
        try (OpenVswitchServer theirs = OpenVswitchServer.start(dir, "theirs", dir.resolve("theirs.db"),
                List.of("--sync-from=" + active.remote(), EXCLUDE));
                ServerProcess ours = startOurs("ours", "--sync-from=" + active.remote(), EXCLUDE)) {
            awaitReplicating(theirs.control());
            awaitReplicating(dir.resolve("ours.ctl"));
            active.close();
            // Both find the active gone, and try again with backoff: ovsdb-server logs each failed attempt.
            Conditions.await(() -> Files.readString(dir.resolve("theirs.log")), log -> log.contains(
                    "connection attempt failed"), 30, "ovsdb-server's backup to try the gone active again");
            Conditions.await(() -> Files.readString(dir.resolve("ours.log")), log -> log.contains(
                    "connection attempt failed"), 30, "our backup to try the gone active again");
            assertSameAnswer(theirs.control(), dir.resolve("ours.ctl"), List.of("ovsdb-server/sync-status"));
        } finally {
            active.close();
        }
    }

    private static String databasesSorted(String status) {
        Matcher databases = Pattern.compile("(?m)^database: (.*)$").matcher(status);
        assertTrue(databases.find(), status);
        List<String> names = new ArrayList<>(List.of(databases.group(1).split(", ")));
        names.sort(null);
        return status.substring(0, databases.start(1)) + String.join(", ", names) + status.substring(databases.end(
                1));
    }

    private void assertSameAnswer(Path theirControl, Path ourControl, List<String> command) throws Exception {
        Programs.Result expected = appctl(theirControl, command.toArray(new String[0]));
        Programs.Result actual = appctl(ourControl, command.toArray(new String[0]));
        assertEquals(expected.status(), actual.status(), command + ": " + actual.output());
        assertEquals(expected.output().replace(theirControl.toString(), "CTL"), actual.output().replace(
                ourControl.toString(), "CTL"), command.toString());
    }

    private void createDatabases(String... names) throws Exception {
        Files.writeString(dir.resolve("kv.ovsschema"), SCHEMA);
        for (String name : names) {
            Programs.Result created = Programs.exec(dir, List.of("ovsdb-tool", "create", name + ".db",
                    "kv.ovsschema"), 30);
            assertEquals(0, created.status(), created.output());
        }
    }

    private ServerProcess startOurs(String name, String... options) throws Exception {
        List<String> args = new ArrayList<>(List.of(name + ".db", "--remote=punix:" + dir.resolve(name + ".sock"),
                "--control=" + dir.resolve(name + ".ctl"), "--log-file=" + dir.resolve(name + ".log")));
        args.addAll(List.of(options));
        ServerProcess server = ServerProcess.start(dir, dir.resolve(name + ".out"), args);
        server.awaitLine("serving");
        return server;
    }

    /** Inserts, updates, mutates and deletes rows of {@code kv}, and inserts into {@code scratch}. */
    static void writeWorkload(String remote) throws Exception {
        try (OvsdbTestClient client = OvsdbTestClient.connect(remote, TlsConfig.none())) {
            for (String name : List.of("a", "b", "c", "d")) {
                client.call("transact", "kvdb", Json.parse("{\"op\":\"insert\",\"table\":\"kv\",\"row\":{\"name\":\""
                        + name + "\",\"value\":1,\"tags\":[\"set\",[\"x\",\"y\"]]}}"), Json.parse(
                                "{\"op\":\"insert\",\"table\":\"scratch\",\"row\":{\"n\":1}}"));
            }
            client.call("transact", "kvdb", Json.parse("{\"op\":\"update\",\"table\":\"kv\",\"where\":[[\"name\","
                    + "\"==\",\"a\"]],\"row\":{\"value\":10}}"));
            client.call("transact", "kvdb", Json.parse("{\"op\":\"mutate\",\"table\":\"kv\",\"where\":[[\"name\","
                    + "\"==\",\"b\"]],\"mutations\":[[\"tags\",\"delete\",\"x\"],[\"tags\",\"insert\",\"z\"]]}"));
            client.call("transact", "kvdb", Json.parse("{\"op\":\"delete\",\"table\":\"kv\",\"where\":[[\"name\","
                    + "\"==\",\"c\"]]}"));
        }
    }

    private static String contents(String remote, String table) throws Exception {
        return TableContents.of(remote, "kvdb", table);
    }

    private static void awaitReplicating(Path control) throws Exception {
        Conditions.await(() -> appctl(control, "ovsdb-server/sync-status").output(), text -> text.contains(
                "replicating: "), 30, control + " to replicate");
    }

    static Programs.Result appctl(Path control, String... command) throws Exception {
        List<String> line = new ArrayList<>(List.of("ovs-appctl", "-t", control.toString()));
        line.addAll(List.of(command));
        return Programs.exec(null, line, 30);
    }
}
