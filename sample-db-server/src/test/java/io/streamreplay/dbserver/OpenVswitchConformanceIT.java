package io.streamreplay.dbserver;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Our server against Open vSwitch's own {@code ovsdb-server} 3.1, request for request. Each script under
 * {@code conformance/} (one request a line: {@code [METHOD, PARAMS...]}) is sent to both servers, each on a copy of
 * one database that {@code ovsdb-tool create} made, and every reply must be the same: results, error tags, details
 * and {@code syntax} texts, once the UUIDs each server makes are numbered by first appearance.
 */
class OpenVswitchConformanceIT {

    /** The scripts, each run on fresh servers. */
    private static final List<String> SCRIPTS = List.of("methods", "operations", "conditions", "data", "mutations",
            "commits", "select-and-wait", "locks-and-monitors");
    private static final Pattern UUID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    @TempDir
    Path dir;

    @BeforeAll
    static void installOpenVswitch() throws Exception {
        OpenVswitchTools.ensureInstalled();
    }

    @TestFactory
    Stream<DynamicTest> everyScriptGetsOpenVswitchsReplies() {
        return SCRIPTS.stream().map(script -> DynamicTest.dynamicTest(script, () -> runScript(script)));
    }

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
    void aBoundedSetOrMapReplacedInFullSurvivesARestart() throws Exception {
        Path pristine = createDatabase(dir);
        Files.copy(pristine, dir.resolve("ours.db"));
        String insert = "{\"op\":\"insert\",\"table\":\"t\",\"row\":{\"name\":\"bounded\",\"number\":1,"
                + "\"s\":[\"set\",[\"a\",\"b\"]],\"m\":[\"map\",[[\"a\",\"1\"],[\"b\",\"2\"]]]}}";
        String replace = "{\"op\":\"update\",\"table\":\"t\",\"where\":[[\"name\",\"==\",\"bounded\"]],"
                + "\"row\":{\"s\":[\"set\",[\"c\",\"d\"]],\"m\":[\"map\",[[\"c\",\"3\"],[\"d\",\"4\"]]]}}";
        String select = "{\"op\":\"select\",\"table\":\"t\",\"where\":[[\"name\",\"==\",\"bounded\"]],"
                + "\"columns\":[\"s\",\"m\"]}";
        JsonNode expected = Json.parse("[{\"rows\":[{\"s\":[\"set\",[\"c\",\"d\"]],"
                + "\"m\":[\"map\",[[\"c\",\"3\"],[\"d\",\"4\"]]]}]}]");
        try (ServerProcess ours = startOurs(dir)) {
            try (OvsdbTestClient client = OvsdbTestClient.connect("unix:" + dir.resolve("ours.sock"),
                    TlsConfig.none())) {
                client.call("transact", "lab", Json.parse(insert));
                client.call("transact", "lab", Json.parse(replace));
            }
            ours.requestExit(dir.resolve("ours.ctl"));
            assertEquals(0, ours.waitFor(30), ours.consoleText());
        }
        String record = Files.readAllLines(dir.resolve("ours.db")).get(5);
        assertTrue(record.contains("[\"set\",[\"a\",\"b\",\"c\",\"d\"]]"), "a difference of four elements: " + record);
        // Open vSwitch reads the file as we wrote it...
        Programs.Result query = Programs.exec(dir, List.of("ovsdb-tool", "query", "ours.db", "[\"lab\"," + select
                + "]"), 30);
        assertEquals(0, query.status(), query.output());
        assertEquals(expected, Json.parse(query.output()));
        // ...and so do we, on a restart.
        try (ServerProcess ours = startOurs(dir);
                OvsdbTestClient client = OvsdbTestClient.connect("unix:" + dir.resolve("ours.sock"),
                        TlsConfig.none())) {
            assertEquals(expected, client.call("transact", "lab", Json.parse(select)));
        }
    }

    private ServerProcess startOurs(Path in) throws Exception {
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
            return out.toString();
        }
    }
}
