package io.streamreplay.dbserver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamreplay.dbserver.testing.OpenVswitchTools;
import io.streamreplay.dbserver.testing.ServerProcess;
import io.streamreplay.jsonrpc.Json;
import io.streamreplay.testing.Programs;
import io.streamreplay.testing.Programs.Result;
import io.streamreplay.testing.Tiers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Open vSwitch's own {@code ovsdb-client}, {@code ovsdb-tool} and {@code ovs-appctl} against our server. */
@Tag(Tiers.SYSTEM)
class OpenVswitchCompatibilityIT {

    static final String SCHEMA = "{\"name\":\"kvdb\",\"version\":\"1.2.3\",\"tables\":{"
            + "\"kv\":{\"columns\":{\"name\":{\"type\":\"string\"},\"value\":{\"type\":\"integer\"},"
            + "\"attrs\":{\"type\":{\"key\":\"string\",\"value\":\"string\",\"min\":0,\"max\":\"unlimited\"}}},"
            + "\"indexes\":[[\"name\"]],\"isRoot\":true},"
            + "\"child\":{\"columns\":{\"n\":{\"type\":\"integer\"}}},"
            + "\"parent\":{\"columns\":{\"kids\":{\"type\":{\"key\":{\"type\":\"uuid\",\"refTable\":\"child\"},"
            + "\"min\":0,\"max\":\"unlimited\"}}},\"isRoot\":true}}}";

    @TempDir
    Path dir;
    private ServerProcess server;
    private String unix;
    private String tcp;

    @BeforeAll
    static void installOpenVswitch() throws Exception {
        OpenVswitchTools.ensureInstalled();
    }

    @BeforeEach
    void startServer() throws Exception {
        Files.writeString(dir.resolve("kv.ovsschema"), SCHEMA);
        assertEquals(0, ovs("ovsdb-tool", "create", "kv.db", "kv.ovsschema").status());
        assertEquals(0, ovs("ovsdb-tool", "transact", "kv.db", "[\"kvdb\",{\"op\":\"insert\",\"table\":\"kv\","
                + "\"row\":{\"name\":\"from-ovsdb-tool\",\"value\":7}}]").status());
        server = ServerProcess.start(dir, dir.resolve("server.out"), List.of("kv.db",
                "--remote=punix:" + dir.resolve("db.sock"), "--remote=ptcp:0:127.0.0.1",
                "--control=" + dir.resolve("ctl")));
        tcp = "tcp:127.0.0.1:" + server.awaitLine("ptcp:(\\d+):127.0.0.1: listening").group(1);
        server.awaitLine("serving");
        unix = "unix:" + dir.resolve("db.sock");
    }

    @AfterEach
    void stopServer() {
        server.close();
    }

    @Test
    void ovsdbClientListsDatabasesTablesAndColumns() throws Exception {
        assertEquals("_Server\nkvdb\n", ok("ovsdb-client", "list-dbs", unix));
        String tables = ok("ovsdb-client", "list-tables", tcp, "kvdb");
        assertTrue(tables.contains("kv\n") && tables.contains("child\n") && tables.contains("parent\n"), tables);
        String columns = ok("ovsdb-client", "list-columns", unix, "kvdb", "kv");
        assertTrue(columns.contains("attrs") && columns.contains("_version"), columns);
        JsonNode schema = Json.parse(ok("ovsdb-client", "get-schema", unix, "kvdb"));
        assertEquals("1.2.3", schema.get("version").asText());
        assertEquals("1.2.3\n", ok("ovsdb-client", "get-schema-version", unix, "kvdb"));
    }

    @Test
    void ovsdbClientTransactsQueriesAndDumps() throws Exception {
        JsonNode result = Json.parse(ok("ovsdb-client", "transact", unix, "[\"kvdb\","
                + "{\"op\":\"insert\",\"table\":\"child\",\"uuid-name\":\"c\",\"row\":{\"n\":1}},"
                + "{\"op\":\"insert\",\"table\":\"parent\",\"row\":{\"kids\":[\"named-uuid\",\"c\"]}},"
                + "{\"op\":\"insert\",\"table\":\"kv\",\"row\":{\"name\":\"x\",\"value\":1,"
                + "\"attrs\":[\"map\",[[\"k\",\"v\"]]]}}]"));
        assertEquals(3, result.size(), result.toString());
        JsonNode query = Json.parse(ok("ovsdb-client", "query", tcp, "[\"kvdb\",{\"op\":\"select\","
                + "\"table\":\"kv\",\"where\":[[\"name\",\"==\",\"x\"]],\"columns\":[\"value\",\"attrs\"]}]"));
        assertEquals(Json.parse("[{\"rows\":[{\"value\":1,\"attrs\":[\"map\",[[\"k\",\"v\"]]]}]}]"), query);
        String dump = ok("ovsdb-client", "dump", unix, "kvdb");
        assertTrue(dump.contains("from-ovsdb-tool") && dump.contains("{k=v}") && dump.contains("child table"),
                dump);
        JsonNode failed = Json.parse(ok("ovsdb-client", "transact", unix, "[\"kvdb\",{\"op\":\"insert\","
                + "\"table\":\"kv\",\"row\":{\"name\":\"x\"}}]"));
        assertEquals("constraint violation", failed.get(1).get("error").asText(), failed.toString());
    }

    @Test
    void ovsdbClientMonitorsSeeOtherClientsTransactions() throws Exception {
        Path plain = dir.resolve("monitor.out");
        Path cond = dir.resolve("monitor-cond.out");
        Process monitor = Programs.start(List.of("ovsdb-client", "monitor", unix, "kvdb", "kv",
                "name,value"), plain);
        Process monitorCond = Programs.start(List.of("ovsdb-client", "monitor-cond", tcp, "kvdb",
                "[[\"value\",\">\",100]]", "kv", "name,value"), cond);
        try {
            awaitText(plain, "from-ovsdb-tool");
            awaitMonitors(2);
            ok("ovsdb-client", "transact", tcp, "[\"kvdb\",{\"op\":\"insert\",\"table\":\"kv\","
                    + "\"row\":{\"name\":\"big\",\"value\":500}},{\"op\":\"insert\",\"table\":\"kv\","
                    + "\"row\":{\"name\":\"small\",\"value\":5}}]");
            ok("ovsdb-client", "transact", unix, "[\"kvdb\",{\"op\":\"update\",\"table\":\"kv\","
                    + "\"where\":[[\"name\",\"==\",\"small\"]],\"row\":{\"value\":1000}}]");
            awaitText(plain, "1000");
            String seen = awaitText(cond, "1000");
            assertTrue(seen.contains("big") && seen.contains("insert"), seen);
            assertTrue(!seen.contains("from-ovsdb-tool"), "monitor-cond must filter rows: " + seen);
        } finally {
            monitor.destroyForcibly();
            monitorCond.destroyForcibly();
        }
    }

    @Test
    void ovsdbToolReadsTheFileOurServerWrote() throws Exception {
        ok("ovsdb-client", "transact", unix, "[\"kvdb\",{\"op\":\"insert\",\"table\":\"kv\",\"row\":{\"name\":"
                + "\"written-by-us\",\"value\":42,\"attrs\":[\"map\",[[\"a\",\"1\"]]]}},{\"op\":\"comment\","
                + "\"comment\":\"hello\"}]");
        ok("ovsdb-client", "transact", unix, "[\"kvdb\",{\"op\":\"mutate\",\"table\":\"kv\",\"where\":"
                + "[[\"name\",\"==\",\"written-by-us\"]],\"mutations\":[[\"attrs\",\"insert\",[\"map\",[[\"b\","
                + "\"2\"]]]],[\"attrs\",\"delete\",[\"set\",[\"a\"]]]]}]");
        assertEquals("", ok("ovs-appctl", "-t", dir.resolve("ctl").toString(), "exit"));
        assertEquals(0, server.waitFor(30), server.consoleText());
        String log = ok("ovsdb-tool", "show-log", "kv.db");
        assertTrue(log.contains("hello"), log);
        JsonNode rows = Json.parse(ok("ovsdb-tool", "query", "kv.db", "[\"kvdb\",{\"op\":\"select\",\"table\":"
                + "\"kv\",\"where\":[[\"name\",\"==\",\"written-by-us\"]],\"columns\":[\"value\",\"attrs\"]}]"));
        assertEquals(Json.parse("[{\"rows\":[{\"value\":42,\"attrs\":[\"map\",[[\"b\",\"2\"]]]}]}]"), rows);
        assertEquals("kvdb\n", ok("ovsdb-tool", "db-name", "kv.db"));
    }

    @Test
    void ovsVsctlManagesBridgesThroughTheIdl() throws Exception {
        assertEquals(0, ServerProcess.run(dir, dir.resolve("create-vs.out"), List.of("create", "conf.db",
                OpenVswitchTools.VSWITCH_SCHEMA.toString()), 30));
        try (ServerProcess vswitch = ServerProcess.start(dir, dir.resolve("vswitch.out"), List.of("conf.db",
                "--remote=punix:" + dir.resolve("conf.sock"), "--control=" + dir.resolve("conf.ctl")))) {
            vswitch.awaitLine("serving");
            String db = "--db=unix:" + dir.resolve("conf.sock");
            ok("ovs-vsctl", db, "--no-wait", "init");
            ok("ovs-vsctl", db, "--no-wait", "add-br", "br0");
            ok("ovs-vsctl", db, "--no-wait", "add-port", "br0", "p1", "--", "set", "interface", "p1",
                    "type=internal");
            ok("ovs-vsctl", db, "--no-wait", "set", "bridge", "br0", "external_ids:k=v");
            assertEquals("br0\n", ok("ovs-vsctl", db, "list-br"));
            assertEquals("p1\n", ok("ovs-vsctl", db, "list-ports", "br0"));
            assertEquals("{k=v}\n", ok("ovs-vsctl", db, "get", "bridge", "br0", "external_ids"));
            ok("ovs-vsctl", db, "--no-wait", "del-br", "br0");
            assertEquals("", ok("ovs-vsctl", db, "list-br"));
            // del-br only drops the reference: the server's garbage collection removes ports and interfaces.
            JsonNode left = Json.parse(ok("ovsdb-client", "query", "unix:" + dir.resolve("conf.sock"),
                    "[\"Open_vSwitch\",{\"op\":\"select\",\"table\":\"Interface\",\"where\":[]},"
                            + "{\"op\":\"select\",\"table\":\"Port\",\"where\":[]}]"));
            assertEquals(0, left.get(0).get("rows").size(), left.toString());
            assertEquals(0, left.get(1).get("rows").size(), left.toString());
        }
    }

    @Test
    void thePythonIdlLoadsCommitsAndSeesItsChange() throws Exception {
        Path script = dir.resolve("python_idl_check.py");
        try (var in = getClass().getResourceAsStream("/python_idl_check.py")) {
            Files.copy(in, script);
        }
        String output = ok(OpenVswitchTools.PYTHON, script.toString(), unix, "kv.ovsschema");
        assertTrue(output.contains("commit: success") && output.contains("('from-python', 41)"), output);
    }

    @Test
    void ovsAppctlTalksToTheControlSocket() throws Exception {
        String target = dir.resolve("ctl").toString();
        assertTrue(ok("ovs-appctl", "-t", target, "version").startsWith("sample-db-server (streamreplay)"));
        assertEquals("_Server\nkvdb\n", ok("ovs-appctl", "-t", target, "ovsdb-server/list-dbs"));
        assertEquals("", ok("ovs-appctl", "-t", target, "ovsdb-server/compact"));
        assertEquals("ptcp:0:127.0.0.1\npunix:" + dir.resolve("db.sock") + "\n", ok("ovs-appctl", "-t", target,
                "ovsdb-server/list-remotes"), "the remotes as configured, sorted, as ovsdb-server lists them");
        // One kv row (ovsdb-tool's) of 3 columns plus _uuid and _version: 5 cells; no monitor; no session.
        assertEquals("backlog:0 cells:5 monitors:0 sessions:0\n", ok("ovs-appctl", "-t", target, "memory/show"));

        assertEquals("", ok("ovs-appctl", "-t", target, "vlog/set", "jsonrpc:file:dbg"));
        assertEquals("", ok("ovs-appctl", "-t", target, "vlog/set", "ANY:warn"));
        assertEquals("""
                                 console    syslog    file
                                 -------    ------    ------
                ROOT              WARN        OFF       WARN
                io.streamreplay.jsonrpc   DBG        OFF        DBG
                """, ok("ovs-appctl", "-t", target, "vlog/list"));
        assertTrue(ok("ovs-appctl", "-t", target, "log-level").contains("io.streamreplay.jsonrpc DEBUG\n"),
                "vlog/set and log-level set the same levels");
        Result twoLevels = ovs("ovs-appctl", "-t", target, "vlog/set", "info:dbg");
        assertEquals(2, twoLevels.status());
        assertEquals("cannot specify multiple levels\novs-appctl: " + target + ": server returned an error\n",
                twoLevels.output());

        Result unknown = ovs("ovs-appctl", "-t", target, "frobnicate");
        assertEquals(2, unknown.status());
        assertTrue(unknown.output().contains("\"frobnicate\" is not a valid command"), unknown.output());
        assertEquals("", ok("ovs-appctl", "-t", target, "exit"));
        assertEquals(0, server.waitFor(30));
        assertTrue(ok("ovsdb-tool", "show-log", "kv.db").contains("compacting database online"));
    }

    /** Waits until the server reports {@code count} monitors in its {@code stats}. */
    private void awaitMonitors(int count) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        JsonNode stats = null;
        while (System.nanoTime() < deadline) {
            stats = Json.parse(ok("ovs-appctl", "-t", dir.resolve("ctl").toString(), "stats"));
            if (stats.get("monitors").asInt() == count) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the server never had " + count + " monitors: " + stats);
    }

    private Result ovs(String... command) throws Exception {
        return Programs.exec(dir, List.of(command), 30);
    }

    private String ok(String... command) throws Exception {
        Result result = ovs(command);
        assertEquals(0, result.status(), String.join(" ", command) + " printed:\n" + result.output());
        return result.output();
    }

    private static String awaitText(Path file, String text) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        String content = "";
        while (System.nanoTime() < deadline) {
            content = Files.readString(file);
            if (content.contains(text)) {
                return content;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("\"" + text + "\" never appeared in " + file + ":\n" + content);
    }
}
