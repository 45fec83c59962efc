package io.streamreplay.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamreplay.client.ClientProcess.Result;
import io.streamreplay.dbserver.testing.ServerProcess;
import io.streamreplay.jsonrpc.Json;
import io.streamreplay.testing.TestCertificates;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every command of sample-client, run as a process against a real sample-db-server over unix, tcp and ssl. */
class SampleClientIT {

    @TempDir
    static Path dir;
    private static ServerProcess server;
    private static String unix;
    private static String tcp;
    private static String ssl;
    private static List<String> tls;

    @BeforeAll
    static void startServer() throws Exception {
        Result schema = ClientProcess.run(dir, "bench", "--print-schema");
        Files.writeString(dir.resolve("kv.ovsschema"), schema.out());
        assertEquals(0, ServerProcess.run(dir, dir.resolve("create.out"), List.of("create", "kv.db",
                "kv.ovsschema"), 30));
        TestCertificates.PemFiles serverPem = TestCertificates.get().pemFiles("server");
        TestCertificates.PemFiles clientPem = TestCertificates.get().pemFiles("client");
        server = ServerProcess.start(dir, dir.resolve("server.out"), List.of("kv.db",
                "--remote=punix:" + dir.resolve("db.sock"), "--remote=ptcp:0:127.0.0.1", "--remote=pssl:0:127.0.0.1",
                "--control=" + dir.resolve("sample-db-server.ctl"), "--private-key=" + serverPem.key(),
                "--certificate=" + serverPem.certificate(), "--ca-cert=" + serverPem.ca()));
        tcp = "tcp:127.0.0.1:" + server.awaitLine("ptcp:(\\d+):127.0.0.1: listening").group(1);
        ssl = "ssl:127.0.0.1:" + server.awaitLine("pssl:(\\d+):127.0.0.1: listening").group(1);
        server.awaitLine("serving");
        unix = "unix:" + dir.resolve("db.sock");
        tls = List.of("--private-key=" + clientPem.key(), "--certificate=" + clientPem.certificate(),
                "--ca-cert=" + clientPem.ca());
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    private static Result client(String... args) throws Exception {
        return ClientProcess.run(dir, args);
    }

    private static Result ok(String... args) throws Exception {
        Result result = client(args);
        assertEquals(0, result.status(), String.join(" ", args) + ":\n" + result.err());
        return result;
    }

    private static String[] withTls(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(tls);
        return all.toArray(String[]::new);
    }

    private static void insert(String server, String name, long value) throws Exception {
        ok("transact", server, "[\"kvdb\",{\"op\":\"insert\",\"table\":\"kv\",\"row\":{\"name\":\"" + name
                + "\",\"value\":" + value + "}}]");
    }

    @Test
    void listsDatabasesTablesAndColumnsOverEveryTransport() throws Exception {
        assertEquals("_Server\nkvdb\n", ok("list-dbs", unix).out());
        assertEquals("_Server\nkvdb\n", ok("list-dbs", "--server=" + tcp).out());
        assertEquals("_Server\nkvdb\n", ok(withTls("list-dbs", ssl)).out());
        assertEquals("Table\n-----\nkv\n", ok("list-tables", unix, "kvdb").out());
        assertEquals("""
                Column   Type
                -------- ---------
                _uuid    "uuid"
                _version "uuid"
                name     "string"
                value    "integer"
                """, ok("list-columns", tcp, "kvdb", "kv").out());
        JsonNode schema = Json.parse(ok(withTls("get-schema", ssl)).out());
        assertEquals("kvdb", schema.get("name").asText());
        assertEquals("[\"x\",\"y\"]\n", ok("echo", unix, "x", "y").out());
    }

    @Test
    void transactsQueriesAndDumpsInEveryFormat() throws Exception {
        JsonNode inserted = Json.parse(ok("transact", unix, "[\"kvdb\",{\"op\":\"insert\",\"table\":\"kv\","
                + "\"row\":{\"name\":\"dump, me\",\"value\":42}}]").out());
        String uuid = inserted.get(0).get("uuid").get(1).asText();
        JsonNode query = Json.parse(ok("query", tcp, "[\"kvdb\",{\"op\":\"select\",\"table\":\"kv\",\"where\":"
                + "[[\"name\",\"==\",\"dump, me\"]],\"columns\":[\"value\"]}]").out());
        assertEquals("[{\"rows\":[{\"value\":42}]}]", query.toString(), "query drops the aborted result");
        String table = ok("dump", unix, "kvdb", "kv", "name", "value").out();
        assertTrue(table.startsWith("kv table\nname") && table.matches("(?s).*\n\"dump, me\" +42\n.*"), table);
        String csv = ok("dump", unix, "kvdb", "kv", "name", "value", "--format=csv").out();
        assertTrue(csv.contains("\"\"\"dump, me\"\"\",42\n"), csv);
        String list = ok("dump", unix, "kvdb", "kv", "_uuid", "name", "--format=list").out();
        assertTrue(list.contains("_uuid: " + uuid + "\nname : \"dump, me\"\n"), list);
        JsonNode json = Json.parse(ok(withTls("dump", ssl, "kvdb", "kv", "--format=json")).out());
        assertEquals("[\"_uuid\",\"name\",\"value\"]", json.get("headings").toString());
        String bare = ok("--no-headings", "dump", unix, "kvdb", "kv", "value").out();
        assertTrue(bare.startsWith("kv table\n") && !bare.contains("-----"), bare);
    }

    @Test
    void badInputIsRefusedBeforeAnythingIsSentAndFailuresAreReadable() throws Exception {
        Result malformed = client("transact", unix, "[\"kvdb\",{\"op\":\"insert\",}]");
        assertEquals(2, malformed.status());
        assertTrue(malformed.err().contains("TXN: not valid JSON at line 1, column 24"), malformed.err());
        Result refused = client("list-dbs", "tcp:127.0.0.1:1");
        assertEquals(1, refused.status());
        assertEquals("sample-client: cannot connect to tcp:127.0.0.1:1: connection refused\n", refused.err());
        Result missing = client("list-dbs", "unix:" + dir.resolve("missing.sock"));
        assertTrue(missing.err().contains("no such socket"), missing.err());
        Result untrusted = client("list-dbs", ssl);
        assertEquals(1, untrusted.status());
        Result failed = client("transact", unix, "[\"kvdb\",{\"op\":\"insert\",\"table\":\"kv\",\"row\":"
                + "{\"value\":\"x\"}}]");
        assertEquals(1, failed.status());
        assertTrue(failed.out().contains("\"error\":\"syntax error\""), failed.out());
        Result unknownDb = client("dump", unix, "nodb", "--server=" + unix);
        assertTrue(unknownDb.status() != 0, unknownDb.err());
    }

    @Test
    void theMonitorExampleOfTheClientGuideIsWhatTheClientPrints(@TempDir Path fresh) throws Exception {
        String guide = Files.readString(Path.of("..", "docs", "client.md"));
        Matcher example = Pattern.compile("```sh\n\\$ sample-client (monitor [^#\n]*?) +#[^\n]*\n(.*?)```",
                Pattern.DOTALL).matcher(guide);
        assertTrue(example.find(), "docs/client.md has a monitor example");
        Files.copy(dir.resolve("kv.ovsschema"), fresh.resolve("kv.ovsschema"));
        assertEquals(0, ServerProcess.run(fresh, fresh.resolve("create.out"), List.of("create", "kv.db",
                "kv.ovsschema"), 30));
        try (ServerProcess own = ServerProcess.start(fresh, fresh.resolve("server.out"), List.of("kv.db"))) {
            own.awaitLine("serving");
            List<String> args = new ArrayList<>(List.of(example.group(1).trim().split(" +")));
            ClientProcess monitor = ClientProcess.start(fresh, args.toArray(String[]::new));
            Thread.sleep(1000);
            assertEquals(0, ClientProcess.run(fresh, "transact", "[\"kvdb\",{\"op\":\"insert\",\"table\":\"kv\","
                    + "\"row\":{\"name\":\"hello\",\"value\":42}}]").status());
            monitor.awaitOutput("insert hello 42");
            assertEquals(0, ClientProcess.run(fresh, "transact", "[\"kvdb\",{\"op\":\"update\",\"table\":\"kv\","
                    + "\"where\":[[\"name\",\"==\",\"hello\"]],\"row\":{\"value\":43}}]").status());
            monitor.awaitOutput("hello 43");
            monitor.interrupt();
            String printed = monitor.finish(20).out();
            assertEquals(shape(example.group(2)), shape(printed), "the guide shows what the client prints");
        }
    }

    /** Output with its times and UUIDs replaced by placeholders of the same width. */
    private static String shape(String output) {
        return output.replaceAll("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3}", "TIME")
                .replaceAll("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "UUID");
    }

    @Test
    void monitorPrintsChangesMadeByAnotherClientAndStopsOnCtrlC() throws Exception {
        insert(unix, "watched-before", 1);
        ClientProcess monitor = ClientProcess.start(dir, "monitor", tcp, "kvdb", "kv", "name,value,!delete");
        monitor.awaitOutput("watched-before");
        insert(unix, "watched-after", 2);
        String output = monitor.awaitOutput("watched-after");
        assertTrue(output.contains("insert watched-after 2"), output);
        monitor.interrupt();
        assertEquals(0, monitor.finish(20).status());

        ClientProcess cond = ClientProcess.start(dir, "monitor-cond", unix, "kvdb", "[[\"value\",\">=\",1000]]",
                "kv", "name");
        Thread.sleep(1000);
        insert(unix, "small-one", 5);
        insert(unix, "big-one", 5000);
        String condOutput = cond.awaitOutput("big-one");
        assertTrue(!condOutput.contains("small-one"), condOutput);
        cond.interrupt();
        assertEquals(0, cond.finish(20).status());
    }

    @Test
    void aClientTakesItsTlsIdentityFromAPkcs12Keystore() throws Exception {
        TestCertificates.Pkcs12Files p12 = TestCertificates.get().pkcs12Files("client");
        Result dbs = ok("--keystore=" + p12.keystore(), "--keystore-password-file=" + p12.passwordFile(),
                "--ca-cert=" + p12.ca(), "list-dbs", ssl);
        assertEquals("_Server\nkvdb\n", dbs.out());
        Result half = client("list-dbs", ssl, "--keystore=" + p12.keystore());
        assertEquals(2, half.status());
        assertEquals("sample-client: TLS with --keystore needs --ca-cert too\n", half.err());
    }

    @Test
    void aRecordedDumpAndMonitorReplayWithoutAnyServer() throws Exception {
        insert(unix, "replayed-row", 7);
        Result recorded = ok("dump", unix, "kvdb", "--replay-record=dump-rec");
        Result replayed = ok("dump", "unix:" + dir.resolve("nowhere.sock"), "kvdb", "--replay=dump-rec");
        assertEquals(recorded.out(), replayed.out());

        // Like every other option, the replay options may come before the command name.
        Result before = ok("--replay-record=dump-rec-2", "--replay-record-on-error=exit", "dump", unix, "kvdb");
        Result replayedBefore = ok("--replay=dump-rec-2", "dump", unix, "kvdb");
        assertEquals(before.out(), replayedBefore.out());
        assertTrue(Files.readString(dir.resolve("dump-rec-2").resolve("manifest.json")).contains("\"complete\""));

        ClientProcess monitor = ClientProcess.start(dir, "monitor", unix, "kvdb", "kv", "name", "--timestamp",
                "--replay-record=monitor-rec");
        monitor.awaitOutput("replayed-row");
        insert(tcp, "seen-live", 8);
        monitor.awaitOutput("seen-live");
        monitor.interrupt();
        Result live = monitor.finish(20);
        Result again = ok("monitor", unix, "kvdb", "kv", "name", "--timestamp", "--replay=monitor-rec");
        assertEquals(live.status(), again.status());
        assertEquals(live.out(), again.out(), "the replay must print byte for byte what the recorded run printed");
    }

    @Test
    void benchCountsWhatTheServerCountsAndReplaysItsSummary() throws Exception {
        JsonNode before = Json.parse(ok("control", "--target=" + dir.resolve("sample-db-server.ctl"), "stats").out());
        Result bench = ok("bench", unix, "-n", "600", "--connections", "3", "--in-flight", "2", "--monitors", "1",
                "--json", "--replay-record=bench-rec");
        JsonNode summary = Json.parse(bench.out());
        JsonNode after = Json.parse(ok("control", "--target=" + dir.resolve("sample-db-server.ctl"), "stats").out());
        assertEquals(600, summary.get("completed").asInt());
        assertEquals(0, summary.get("errors").asInt());
        assertEquals(600, after.get("transactions").asLong() - before.get("transactions").asLong(),
                "every bench transaction committed once");
        assertTrue(summary.get("latency_ms").get("p99").asDouble() >= summary.get("latency_ms").get("p50")
                .asDouble());
        Result replayed = ok("bench", unix, "-n", "600", "--connections", "3", "--in-flight", "2", "--monitors",
                "1", "--json", "--replay=bench-rec");
        assertEquals(bench.out(), replayed.out());

        // The standard preset run twice on one database inserts names that exist: the first error is shown.
        ok("bench", unix, "--preset=standard", "-n", "4", "--connections=1", "--no-progress");
        Result again = ok("bench", unix, "--preset=standard", "-n", "4", "--connections=1", "--no-progress");
        assertTrue(again.out().matches("(?s).*\ncompleted: \\d, errors: [1-4] \\(the first: \\{\"error\":"
                + "\"constraint violation\",\"details\":\"Transaction causes multiple rows in \\\\\"kv\\\\\""
                + " table to have identical values .*\\)\n.*"), again.out());

        ClientProcess interrupted = ClientProcess.start(dir, "bench", unix, "-n", "100000000", "--no-progress");
        Thread.sleep(1500);
        interrupted.interrupt();
        Result partial = interrupted.finish(30);
        assertEquals(130, partial.status(), partial.err());
        assertTrue(partial.out().contains("(interrupted)") && partial.out().contains("latency (ms)"), partial.out());
    }

    @Test
    void locksAreHeldUntilCtrlCAndCanBeStolen() throws Exception {
        ClientProcess owner = ClientProcess.start(dir, "lock", unix, "L1");
        owner.awaitOutput("locked L1");
        ClientProcess waiter = ClientProcess.start(dir, "lock", tcp, "L1");
        waiter.awaitOutput("waiting for L1");
        ClientProcess thief = ClientProcess.start(dir, "steal", unix, "L1");
        thief.awaitOutput("locked L1");
        owner.awaitOutput("stolen L1");
        thief.interrupt();
        owner.interrupt();
        assertEquals(0, thief.finish(20).status());
        assertEquals(0, owner.finish(20).status());
        waiter.awaitOutput("locked L1\n");
        waiter.interrupt();
        assertEquals(0, waiter.finish(20).status());
        assertEquals(1, client("unlock", unix, "L1").status(), "unlock without lock is an error");
    }

    @Test
    void monitorAllShowsEveryTableAndConditionsAreChecked() throws Exception {
        ClientProcess all = ClientProcess.start(dir, "monitor", unix, "kvdb", "ALL");
        insert(tcp, "all-tables", 3);
        assertTrue(all.awaitOutput("all-tables").contains("kv table"));
        all.interrupt();
        assertEquals(0, all.finish(20).status());
        Result bad = client("monitor-cond", unix, "kvdb", "[[\"value\",", "kv");
        assertEquals(2, bad.status());
        assertTrue(bad.err().contains("CONDITION: not valid JSON"), bad.err());
        assertTrue(ok("get-schema", unix, "kvdb", "--pretty").out().contains("\n  \"name\" : \"kvdb\""));
    }

    @Test
    void controlExitStopsTheServer() throws Exception {
        Path own = Files.createDirectory(dir.resolve("own"));
        Files.copy(dir.resolve("kv.ovsschema"), own.resolve("kv.ovsschema"));
        assertEquals(0, ServerProcess.run(own, own.resolve("create.out"), List.of("create", "kv.db",
                "kv.ovsschema"), 30));
        try (ServerProcess stopped = ServerProcess.start(own, own.resolve("server.out"), List.of("kv.db"))) {
            stopped.awaitLine("serving");
            assertEquals("_Server\nkvdb\n", ClientProcess.run(own, "list-dbs").out(), "the default server");
            Result exit = ClientProcess.run(own, "control", "exit");
            assertEquals(0, exit.status(), exit.err());
            assertEquals(0, stopped.waitFor(30));
        }
    }

    @Test
    void controlSendsOneCommandAndReportsErrorsWithStatusTwo() throws Exception {
        String target = "--target=" + dir.resolve("sample-db-server.ctl");
        assertTrue(ok("control", target, "version").out().startsWith("sample-db-server (streamreplay)"));
        Result unknown = client("control", target, "frobnicate");
        assertEquals(2, unknown.status());
        assertTrue(unknown.err().contains("\"frobnicate\" is not a valid command"), unknown.err());
    }
}
