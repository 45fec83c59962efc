package io.streamreplay.dbserver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamreplay.dbserver.testing.OpenVswitchServer;
import io.streamreplay.dbserver.testing.OpenVswitchTools;
import io.streamreplay.dbserver.testing.OvsdbTestClient;
import io.streamreplay.dbserver.testing.ServerProcess;
import io.streamreplay.jsonrpc.Json;
import io.streamreplay.jsonrpc.Message;
import io.streamreplay.stream.TlsConfig;
import io.streamreplay.testing.Programs;
import io.streamreplay.testing.Tiers;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Our server against Open vSwitch's own {@code ovsdb-server} 3.1, request for request. Each script under
 * {@code conformance/} (one request a line: {@code [METHOD, PARAMS...]}) is sent to both servers, each on a copy of
 * one database that {@code ovsdb-tool create} made, and every reply must be the same: results, error tags, details
 * and {@code syntax} texts, once the UUIDs each server makes are numbered by first appearance.
 */
@Tag(Tiers.SYSTEM)
class OpenVswitchConformanceIT {

    /** The scripts, each run on fresh servers. */
    private static final List<String> SCRIPTS = List.of("methods", "operations", "conditions", "mutations",
            "commits", "select-and-wait", "monitors");
    private static final Pattern UUID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    /**
     * The two rows of an index conflict. ovsdb-server names first the greater row, comparing columns in its hash
     * order, where {@code _version} (a random UUID) often comes first: which row comes first is then chance, in
     * ovsdb-server and in ours alike, so the pair is compared as a set.
     */
    private static final Pattern CONFLICTING_ROWS = Pattern.compile(
            "First (row, with UUID <uuid\\d+>, [^\"]*?)  Second (row, with UUID <uuid\\d+>, [^\"]*?)(?=\"[,}])");

    @TempDir
    Path dir;
    @TempDir
    static Path sharedDir;
    /** Our server on the scripts' schema, for the tests that check given values rather than compare. */
    private static ServerProcess shared;

    @BeforeAll
    static void startServers() throws Exception {
        OpenVswitchTools.ensureInstalled();
        createDatabase(sharedDir);
        Files.copy(sharedDir.resolve("lab.db"), sharedDir.resolve("ours.db"));
        shared = startOurs(sharedDir);
    }

    @AfterAll
    static void stopServers() {
        shared.close();
    }

    private static OvsdbTestClient sharedClient() throws Exception {
        return OvsdbTestClient.connect("unix:" + sharedDir.resolve("ours.sock"), TlsConfig.none());
    }

    private static void assertJson(String expected, JsonNode actual, String... message) throws Exception {
        assertEquals(canonical(expected), canonical(actual), String.join(" ", message));
    }

    private static JsonNode transact(OvsdbTestClient client, String... operations) throws Exception {
        ArrayNode params = Json.array("lab");
        for (String operation : operations) {
            params.add(Json.parse(operation));
        }
        Message reply = client.request("transact", params);
        assertEquals(Message.Type.REPLY, reply.type(), reply.toString());
        return reply.result();
    }

    @Test
    void selectReturnsEachDistinctProjectionOnceAndSorts() throws Exception {
        try (OvsdbTestClient client = sharedClient()) {
            transact(client, "{\"op\":\"insert\",\"table\":\"o\",\"row\":{\"name\":\"distinct-b\",\"number\":71}}",
                    "{\"op\":\"insert\",\"table\":\"o\",\"row\":{\"name\":\"distinct-a\",\"number\":71}}",
                    "{\"op\":\"insert\",\"table\":\"o\",\"row\":{\"name\":\"distinct-c\",\"number\":70}}");
            assertJson("[{\"rows\":[{\"number\":71}]}]", transact(client, "{\"op\":\"select\","
                    + "\"table\":\"o\",\"where\":[[\"number\",\"==\",71]],\"columns\":[\"number\"]}"));
            assertJson("[{\"rows\":[{\"number\":70},{\"number\":71}]}]", transact(client,
                    "{\"op\":\"select\",\"table\":\"o\",\"where\":[[\"number\",\">=\",70]],"
                            + "\"columns\":[\"number\"],\"sort\":[\"number\"]}"));
            assertJson("[{\"rows\":[{\"name\":\"distinct-c\"},{\"name\":\"distinct-a\"},"
                    + "{\"name\":\"distinct-b\"}]}]",
                    transact(client, "{\"op\":\"select\",\"table\":\"o\","
                            + "\"where\":[[\"number\",\">=\",70]],\"columns\":[\"name\"],"
                            + "\"sort\":[\"number\",\"name\"]}"));
        }
    }

    @Test
    void waitComparesDistinctProjections() throws Exception {
        try (OvsdbTestClient client = sharedClient()) {
            transact(client, "{\"op\":\"insert\",\"table\":\"o\",\"row\":{\"name\":\"wait-a\",\"number\":81}}",
                    "{\"op\":\"insert\",\"table\":\"o\",\"row\":{\"name\":\"wait-b\",\"number\":81}}");
            String wait = "{\"op\":\"wait\",\"table\":\"o\",\"where\":[[\"number\",\"==\",81]],"
                    + "\"columns\":[\"number\"],\"timeout\":0,\"until\":\"==\",\"rows\":";
            // Two rows project to one; an expected row given twice counts once.
            assertJson("[{}]", transact(client, wait + "[{\"number\":81}]}"));
            assertJson("[{}]", transact(client, wait + "[{\"number\":81},{\"number\":81}]}"));
            assertEquals("\"where\" clause test failed", transact(client, wait
                    + "[{\"number\":81},{\"number\":82}]}").get(0).get("details").asText());

            // Parked with a timeout, a wait compares distinct projections each time it runs again: the two rows'
            // one projection equals the expected row, so "!=" waits until another commit makes it two.
            JsonNode parked = Json.parse("{\"op\":\"wait\",\"table\":\"o\",\"where\":[[\"number\","
                    + "\">=\",81],[\"number\",\"<=\",82]],\"columns\":[\"number\"],\"timeout\":30000,"
                    + "\"until\":\"!=\",\"rows\":[{\"number\":81}]}");
            long id = client.send("transact", "lab", parked);
            transact(client, "{\"op\":\"comment\",\"comment\":\"a third row, with the same projection\"}",
                    "{\"op\":\"insert\",\"table\":\"o\",\"row\":{\"name\":\"wait-c\",\"number\":81}}");
            assertFalse(client.hasReply(id), () -> "still one projection of the waited rows: the wait stays parked, but"
                    + " it replied " + client.awaitReplyQuietly(id));
            try (OvsdbTestClient other = sharedClient()) {
                transact(other, "{\"op\":\"update\",\"table\":\"o\",\"where\":[[\"name\",\"==\",\"wait-b\"]],"
                        + "\"row\":{\"number\":82}}");
            }
            assertJson("[{}]", client.awaitReply(id).result());
        }
    }

    @Test
    void emptySetArgumentsAreRefusedWhereOpenVswitchRefusesThem() throws Exception {
        try (OvsdbTestClient client = sharedClient()) {
            for (String clause : List.of("[\"i\",\"<\",[\"set\",[]]]", "[\"number\",\"includes\",[\"set\",[]]]",
                    "[\"number\",\"excludes\",[\"set\",[]]]")) {
                JsonNode error = transact(client, "{\"op\":\"select\",\"table\":\"t\",\"where\":[" + clause
                        + "]}").get(0);
                assertJson("{\"error\":\"syntax error\",\"details\":\"set must have exactly one member"
                        + " but 0 are present\",\"syntax\":\"[\\\"set\\\",[]]\"}", error, clause);
            }
        }
    }

    @Test
    void errorObjectsCarryOpenVswitchsMembersAndTexts() throws Exception {
        try (OvsdbTestClient client = sharedClient()) {
            JsonNode duplicateName = transact(client,
                    "{\"op\":\"insert\",\"table\":\"c\",\"uuid-name\":\"x\",\"row\":{\"n\":1}}",
                    "{\"op\":\"insert\",\"table\":\"c\",\"uuid-name\":\"x\",\"row\":{\"n\":2}}").get(1);
            assertJson("{\"error\":\"duplicate uuid-name\",\"details\":\"This \\\"uuid-name\\\""
                    + " appeared on an earlier \\\"insert\\\" operation.\",\"syntax\":\"\\\"x\\\"\"}", duplicateName);
            JsonNode immutable = transact(client, "{\"where\":[],\"table\":\"t\",\"op\":\"update\","
                    + "\"row\":{\"imm\":\"x\"}}").get(0);
            assertEquals("{\"op\":\"update\",\"row\":{\"imm\":\"x\"},\"table\":\"t\",\"where\":[]}",
                    immutable.get("syntax").asText(), "the operation, members sorted");
            JsonNode mutator = transact(client, "{\"op\":\"mutate\",\"table\":\"t\",\"where\":[],"
                    + "\"mutations\":[[\"number\",\"^=\",1]]}").get(0);
            assertJson("{\"error\":\"unknown mutator\",\"details\":\"No mutator named ^=.\"}", mutator);
            JsonNode namedUuid = transact(client, "{\"op\":\"select\",\"table\":\"t\",\"where\":[[\"_uuid\",\"==\","
                    + "[\"named-uuid\",\"1x\"]]]}").get(0);
            assertEquals("named-uuid string is not a valid <id>", namedUuid.get("details").asText());

            String first = transact(client, "{\"op\":\"insert\",\"table\":\"p\",\"row\":{\"name\":\"index-a\","
                    + "\"number\":91}}").get(0).get("uuid").get(1).asText();
            JsonNode conflict = transact(client, "{\"op\":\"insert\",\"table\":\"p\",\"row\":{\"name\":\"index-0\","
                    + "\"number\":91}}");
            String second = conflict.get(0).get("uuid").get(1).asText();
            assertEquals("Transaction causes multiple rows in \"p\" table to have identical values (91) for index on"
                    + " column \"number\".  First row, with UUID " + first + ", existed in the database before this"
                    + " transaction and was not modified by the transaction.  Second row, with UUID " + second + ", was"
                    + " inserted by this transaction.", conflict.get(1).get("details").asText());
        }
    }

    @TestFactory
    Stream<DynamicTest> everyScriptGetsOpenVswitchsReplies() {
        return SCRIPTS.stream().map(script -> DynamicTest.dynamicTest(script, () -> runScript(script)));
    }

    @SuppressWarnings("try") // our server is held running for the duration, not used
    private void runScript(String script) throws Exception {
        Path scriptDir = Files.createDirectories(dir.resolve(script));
        Path pristine = createDatabase(scriptDir);
        Files.copy(pristine, scriptDir.resolve("ours.db"));
        Files.copy(pristine, scriptDir.resolve("theirs.db"));
        List<String> differences = new ArrayList<>();
        try (ServerProcess ours = startOurs(scriptDir);
                OpenVswitchServer theirs = OpenVswitchServer.start(scriptDir, "theirs", scriptDir.resolve("theirs.db"));
                OvsdbTestClient ourClient = OvsdbTestClient.connect("unix:" + scriptDir.resolve("ours.sock"),
                        TlsConfig.none());
                OvsdbTestClient theirClient = OvsdbTestClient.connect(theirs.remote(), TlsConfig.none())) {
            UuidNumbering ourUuids = new UuidNumbering();
            UuidNumbering theirUuids = new UuidNumbering();
            int lineNumber = 0;
            for (String line : readScript(script)) {
                lineNumber++;
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                ArrayNode request = (ArrayNode) Json.parse(line);
                String method = request.get(0).textValue();
                ArrayNode params = Json.array();
                for (int i = 1; i < request.size(); i++) {
                    params.add(request.get(i));
                }
                String expected = theirUuids.apply(canonical(theirClient.request(method, params)));
                String actual = ourUuids.apply(canonical(ourClient.request(method, params)));
                if (!expected.equals(actual)) {
                    differences.add(script + ":" + lineNumber + ": " + line + "\n    ovsdb-server: " + expected
                            + "\n    ours:         " + actual);
                }
            }
        }
        assertTrue(differences.isEmpty(), differences.size() + " replies differ:\n" + String.join("\n",
                differences));
    }

    @Test
    @SuppressWarnings("try") // our server is held running for the duration, not used
    void aBoundedSetOrMapReplacedInFullSurvivesARestart() throws Exception {
        String insert = "{\"op\":\"insert\",\"table\":\"t\",\"row\":{\"name\":\"bounded\",\"number\":1,"
                + "\"s\":[\"set\",[\"a\",\"b\"]],\"m\":[\"map\",[[\"a\",\"1\"],[\"b\",\"2\"]]]}}";
        String replace = "{\"op\":\"update\",\"table\":\"t\",\"where\":[[\"name\",\"==\",\"bounded\"]],"
                + "\"row\":{\"s\":[\"set\",[\"c\",\"d\"]],\"m\":[\"map\",[[\"c\",\"3\"],[\"d\",\"4\"]]]}}";
        String select = "{\"op\":\"select\",\"table\":\"t\",\"where\":[[\"name\",\"==\",\"bounded\"]],"
                + "\"columns\":[\"s\",\"m\"]}";
        String expected = canonical("[{\"rows\":[{\"s\":[\"set\",[\"c\",\"d\"]],"
                + "\"m\":[\"map\",[[\"c\",\"3\"],[\"d\",\"4\"]]]}]}]");
        Path pristine = createDatabase(dir);

        // ovsdb-server writes the change as differences of four elements each, in a column that holds two...
        Files.copy(pristine, dir.resolve("theirs.db"));
        try (OpenVswitchServer theirs = OpenVswitchServer.start(dir, "theirs", dir.resolve("theirs.db"));
                OvsdbTestClient client = OvsdbTestClient.connect(theirs.remote(), TlsConfig.none())) {
            client.call("transact", "lab", Json.parse(insert));
            client.call("transact", "lab", Json.parse(replace));
        }
        String theirRecord = Files.readAllLines(dir.resolve("theirs.db")).get(5);
        assertTrue(theirRecord.contains("[\"set\",[\"a\",\"b\",\"c\",\"d\"]]") && theirRecord.contains("_is_diff"),
                theirRecord);
        // ...and we read it: only the result of applying a difference must fit the column.
        Files.copy(dir.resolve("theirs.db"), dir.resolve("ours.db"));
        try (ServerProcess ours = startOurs(dir);
                OvsdbTestClient client = OvsdbTestClient.connect("unix:" + dir.resolve("ours.sock"),
                        TlsConfig.none())) {
            assertEquals(expected, canonical(client.call("transact", "lab", Json.parse(select))));
        }

        // We write the same change so that Open vSwitch 3.1.0, whose reader checks a difference against the
        // column's size, reads the file as well as we do.
        Files.copy(pristine, dir.resolve("ours.db"), StandardCopyOption.REPLACE_EXISTING);
        try (ServerProcess ours = startOurs(dir)) {
            try (OvsdbTestClient client = OvsdbTestClient.connect("unix:" + dir.resolve("ours.sock"),
                    TlsConfig.none())) {
                client.call("transact", "lab", Json.parse(insert));
                client.call("transact", "lab", Json.parse(replace));
            }
            ours.requestExit(dir.resolve("ours.ctl"));
            assertEquals(0, ours.waitFor(30), ours.consoleText());
        }
        Programs.Result query = Programs.exec(dir, List.of("ovsdb-tool", "query", "ours.db", "[\"lab\"," + select
                + "]"), 30);
        assertEquals(0, query.status(), query.output());
        assertEquals(expected, canonical(query.output()));
        try (ServerProcess ours = startOurs(dir);
                OvsdbTestClient client = OvsdbTestClient.connect("unix:" + dir.resolve("ours.sock"),
                        TlsConfig.none())) {
            assertEquals(expected, canonical(client.call("transact", "lab", Json.parse(select))));
        }
    }

    @Test
    void controlSocketErrorsReadAsOpenVswitchsDoInOvsAppctl() throws Exception {
        Files.copy(createDatabase(dir), dir.resolve("theirs.db"));
        try (OpenVswitchServer theirs = OpenVswitchServer.start(dir, "theirs", dir.resolve("theirs.db"))) {
            for (List<String> command : List.of(List.of("exit", "extra"), List.of("frobnicate"),
                    List.of("version", "x"), List.of("ovsdb-server/compact", "nope"),
                    List.of("ovsdb-server/list-dbs", "x"))) {
                Programs.Result ours = appctl(sharedDir.resolve("ours.ctl"), command);
                Programs.Result their = appctl(theirs.control(), command);
                assertEquals(their.status(), ours.status(), command.toString());
                assertEquals(their.output().replace(theirs.control().toString(), "CTL"),
                        ours.output().replace(sharedDir.resolve("ours.ctl").toString(), "CTL"), command.toString());
            }
        }
        Programs.Result extra = appctl(sharedDir.resolve("ours.ctl"), List.of("exit", "extra"));
        assertEquals("\"exit\" command takes at most 0 arguments\novs-appctl: CTL: server returned an error\n",
                extra.output().replace(sharedDir.resolve("ours.ctl").toString(), "CTL"));
    }

    private static Programs.Result appctl(Path control, List<String> command) throws Exception {
        List<String> line = new ArrayList<>(List.of("ovs-appctl", "-t", control.toString()));
        line.addAll(command);
        return Programs.exec(null, line, 30);
    }

    @Test
    void valuesOpenVswitchCannotReadAreRefusedAndNeverStored() throws Exception {
        Path pristine = createDatabase(dir);
        Files.copy(pristine, dir.resolve("ours.db"));
        Files.copy(pristine, dir.resolve("theirs.db"));
        Map<String, byte[]> refused = new TreeMap<>();
        refused.put("null bytes not supported in quoted strings", insertOf("\"a\\u0000b\""));
        refused.put("malformed escaped surrogate pair", insertOf("\"\\ud800x\""));
        refused.put("number outside valid range", insertOf("1e-310"));
        refused.put("exponent outside valid range", insertOf("0e99999999999"));
        try (ServerProcess ours = startOurs(dir);
                OpenVswitchServer theirs = OpenVswitchServer.start(dir, "theirs", dir.resolve("theirs.db"))) {
            for (Map.Entry<String, byte[]> entry : refused.entrySet()) {
                // Both servers drop the connection, saying why; neither stores anything.
                assertTrue(closedAfter(dir.resolve("ours.sock"), entry.getValue()), entry.getKey());
                assertTrue(closedAfter(dir.resolve("theirs.sock"), entry.getValue()), entry.getKey());
                ours.awaitLine(Pattern.quote(entry.getKey()));
            }
            byte[] overlong = "[\"lab\",{\"op\":\"insert\",\"table\":\"t\",\"row\":{\"name\":\"\u00ff\"}}]"
                    .getBytes(StandardCharsets.ISO_8859_1);
            assertTrue(closedAfter(dir.resolve("ours.sock"), request(overlong)), "invalid UTF-8");
            ours.awaitLine("invalid UTF-8 sequence 0xff");
            try (OvsdbTestClient client = OvsdbTestClient.connect("unix:" + dir.resolve("ours.sock"),
                    TlsConfig.none());
                    OvsdbTestClient their = OvsdbTestClient.connect(theirs.remote(), TlsConfig.none())) {
                // A lone low surrogate passes the JSON reader, and a string value refuses it as ovsdb-server does.
                String lone = "{\"op\":\"insert\",\"table\":\"t\",\"row\":{\"name\":\"\\udc00\"}}";
                JsonNode ourError = client.call("transact", "lab", Json.parse(lone)).get(0);
                assertEquals(canonical(their.call("transact", "lab", Json.parse(lone)).get(0)), canonical(ourError));
                assertEquals("not a valid UTF-8 string: invalid UTF-8 sequence 0xed 0xb0",
                        ourError.get("details").asText());
                // A real result too small to be normal would be written as a number no reader takes back.
                client.call("transact", "lab", Json.parse("{\"op\":\"insert\",\"table\":\"t\",\"row\":"
                        + "{\"name\":\"tiny\",\"r\":1e-300}}"));
                JsonNode tiny = client.call("transact", "lab", Json.parse("{\"op\":\"mutate\",\"table\":\"t\","
                        + "\"where\":[[\"name\",\"==\",\"tiny\"]],\"mutations\":[[\"r\",\"*=\",1e-10]]}")).get(0);
                assertEquals("range error", tiny.get("error").asText(), tiny.toString());
            }
            ours.requestExit(dir.resolve("ours.ctl"));
            assertEquals(0, ours.waitFor(30), ours.consoleText());
        }
        Programs.Result log = Programs.exec(dir, List.of("ovsdb-tool", "show-log", "-m", "ours.db"), 30);
        assertEquals(0, log.status(), log.output());
        Programs.Result query = Programs.exec(dir, List.of("ovsdb-tool", "query", "ours.db", "[\"lab\",{\"op\":"
                + "\"select\",\"table\":\"t\",\"where\":[],\"columns\":[\"name\",\"r\"]}]"), 30);
        assertEquals(0, query.status(), query.output());
        assertEquals(canonical("[{\"rows\":[{\"name\":\"tiny\",\"r\":1e-300}]}]"), canonical(query.output()));
    }

    @Test
    void aFullDiskIsReportedAsOvsdbServerReportsIt() throws Exception {
        Path pristine = createDatabase(dir);
        Path ourDisk = dir.resolve("our-disk");
        Path theirDisk = dir.resolve("their-disk");
        Programs.mountSmallDisk(ourDisk, 256);
        Programs.mountSmallDisk(theirDisk, 256);
        try {
            Path ourDb = Files.copy(pristine, ourDisk.resolve("ours.db"));
            Path theirDb = Files.copy(pristine, theirDisk.resolve("theirs.db"));
            JsonNode ourError;
            JsonNode theirError;
            try (ServerProcess ours = ServerProcess.start(dir, dir.resolve("ours.out"), List.of(ourDb.toString(),
                    "--remote=punix:" + dir.resolve("ours.sock"), "--control=" + dir.resolve("ours.ctl")));
                    OpenVswitchServer theirs = OpenVswitchServer.start(dir, "theirs", theirDb)) {
                ours.awaitLine("serving");
                ourError = fillUntilRefused("unix:" + dir.resolve("ours.sock"));
                theirError = fillUntilRefused(theirs.remote());
                // Both gone before their disks are unmounted (ovsdb-server's close waits for it).
                ours.requestExit(dir.resolve("ours.ctl"));
                ours.waitFor(30);
            }
            assertEquals(canonical(theirError).replace(theirDb.toString(), "DB"),
                    canonical(ourError).replace(ourDb.toString(), "DB"));
            assertJson("{\"error\":\"I/O error\",\"details\":\"DB: write failed\",\"io-error\":\"No space left on"
                    + " device\"}", Json.parse(canonical(ourError).replace(ourDb.toString(), "DB")));
        } finally {
            Programs.unmount(ourDisk);
            Programs.unmount(theirDisk);
        }
    }

    /** Inserts rows of 3,000 bytes until the server refuses one (at most 200); returns its error. */
    private static JsonNode fillUntilRefused(String remote) throws Exception {
        try (OvsdbTestClient client = OvsdbTestClient.connect(remote, TlsConfig.none())) {
            for (int i = 0; i < 200; i++) {
                JsonNode results = client.call("transact", "lab", Json.parse("{\"op\":\"insert\",\"table\":\"t\","
                        + "\"row\":{\"name\":\"" + "f".repeat(3000) + "\",\"number\":" + i + "}}"));
                if (results.size() > 1) {
                    return results.get(1);
                }
            }
        }
        throw new AssertionError("200 rows of 3,000 bytes fit on a 256 KiB disk");
    }

    /** A transact request inserting a row whose name (or real) is the JSON text {@code value}. */
    private static byte[] insertOf(String value) {
        String column = value.startsWith("\"") ? "name" : "r";
        return request(("[\"lab\",{\"op\":\"insert\",\"table\":\"t\",\"row\":{\"" + column + "\":" + value
                + "}}]").getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] request(byte[] params) {
        byte[] head = "{\"id\":1,\"method\":\"transact\",\"params\":".getBytes(StandardCharsets.UTF_8);
        byte[] message = new byte[head.length + params.length + 1];
        System.arraycopy(head, 0, message, 0, head.length);
        System.arraycopy(params, 0, message, head.length, params.length);
        message[message.length - 1] = '}';
        return message;
    }

    /** Whether the server at {@code socket} closes the connection, with no reply, after {@code message}. */
    private static boolean closedAfter(Path socket, byte[] message) throws Exception {
        try (SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            channel.write(ByteBuffer.wrap(message));
            channel.configureBlocking(false);
            ByteBuffer input = ByteBuffer.allocate(4096);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (System.nanoTime() < deadline) {
                int n = channel.read(input);
                if (n < 0) {
                    return input.position() == 0;
                }
                Thread.sleep(10);
            }
            return false;
        }
    }

    private static ServerProcess startOurs(Path in) throws Exception {
        Files.deleteIfExists(in.resolve("ours.out"));
        ServerProcess server = ServerProcess.start(in, in.resolve("ours.out"), List.of("ours.db",
                "--remote=punix:" + in.resolve("ours.sock"), "--control=" + in.resolve("ours.ctl")));
        server.awaitLine("serving");
        return server;
    }

    /** {@code IN/lab.db} as {@code ovsdb-tool create} makes it from the scripts' schema. */
    private static Path createDatabase(Path in) throws Exception {
        try (InputStream schema = OpenVswitchConformanceIT.class.getResourceAsStream("/conformance/lab.ovsschema")) {
            Files.copy(schema, in.resolve("lab.ovsschema"));
        }
        Programs.Result created = Programs.exec(in, List.of("ovsdb-tool", "create", "lab.db", "lab.ovsschema"), 30);
        assertEquals(0, created.status(), created.output());
        return in.resolve("lab.db");
    }

    private static List<String> readScript(String name) throws Exception {
        List<String> lines = new ArrayList<>();
        try (InputStream in = OpenVswitchConformanceIT.class.getResourceAsStream("/conformance/" + name + ".txt");
                BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                lines.add(line);
            }
        }
        return lines;
    }

    /** {@code json} as text with every object's members sorted, so that member order does not count. */
    private static String canonical(String json) throws Exception {
        return canonical(Json.parse(json));
    }

    private static String canonical(JsonNode json) {
        return Json.toText(sorted(json));
    }

    /** A reply as text with every object's members sorted, so that member order does not count. */
    private static String canonical(Message reply) {
        ObjectNode json = Json.NODES.objectNode();
        if (reply.type() == Message.Type.REPLY) {
            json.set("result", reply.result());
        } else {
            json.set("error", reply.error());
        }
        return Json.toText(sorted(json));
    }

    private static JsonNode sorted(JsonNode json) {
        if (json.isObject()) {
            TreeMap<String, JsonNode> members = new TreeMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = json.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> member = it.next();
                members.put(member.getKey(), sorted(member.getValue()));
            }
            ObjectNode copy = Json.NODES.objectNode();
            members.forEach(copy::set);
            return copy;
        }
        if (json.isArray()) {
            ArrayNode copy = Json.array();
            json.forEach(element -> copy.add(sorted(element)));
            return copy;
        }
        return json;
    }

    /** Replaces each UUID by its number in order of first appearance, one numbering per server. */
    private static final class UuidNumbering {
        private final Map<String, String> numbers = new HashMap<>();

        String apply(String text) {
            Matcher matcher = UUID.matcher(text);
            StringBuilder out = new StringBuilder();
            while (matcher.find()) {
                String number = numbers.computeIfAbsent(matcher.group(), uuid -> "<uuid" + numbers.size() + ">");
                matcher.appendReplacement(out, Matcher.quoteReplacement(number));
            }
            matcher.appendTail(out);
            Matcher rows = CONFLICTING_ROWS.matcher(out);
            StringBuilder unordered = new StringBuilder();
            while (rows.find()) {
                List<String> pair = new ArrayList<>(List.of(rows.group(1), rows.group(2)));
                pair.sort(null);
                rows.appendReplacement(unordered, Matcher.quoteReplacement("Rows: " + pair));
            }
            rows.appendTail(unordered);
            return unordered.toString();
        }
    }
}
