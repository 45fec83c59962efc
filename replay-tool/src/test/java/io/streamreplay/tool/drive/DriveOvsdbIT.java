package io.streamreplay.tool.drive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamreplay.dbserver.testing.OpenVswitchTools;
import io.streamreplay.jsonrpc.Json;
import io.streamreplay.jsonrpc.MessageParser;
import io.streamreplay.replay.RecordType;
import io.streamreplay.replay.RecordedEvent;
import io.streamreplay.replay.RecordingReader;
import io.streamreplay.testing.Tiers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Open vSwitch's {@code ovsdb-server} recorded through stream-proxy while {@code ovs-vsctl} commands,
 * {@code sample-client bench} and an {@code ovsdb-client monitor} run, then the recording driven with
 * {@code replay-tool drive} against fresh servers: Open vSwitch's own and sample-db-server reply the same after
 * normalisation, the UUIDs they make differ without it, and a server whose schema lacks a column is reported at the
 * reply where it first answers otherwise.
 */
@Tag(Tiers.SYSTEM)
class DriveOvsdbIT {

    private static final Pattern UUID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    @TempDir
    static Path work;
    static Path recording;
    static String schema;

    @TempDir
    Path dir;
    private Process target;

    @BeforeAll
    static void record() throws Exception {
        OpenVswitchTools.ensureInstalled();
        schema = Processes.ok(work, Processes.java(Processes.CLIENT, List.of("bench", "--print-schema")));
        Path rec = Files.createDirectories(work.resolve("rec"));
        createDatabases(rec, schema);
        Process upstream = startOvsdbServer(rec);
        Process proxy = null;
        Process monitor = null;
        try {
            Path proxySocket = rec.resolve("proxy.sock");
            proxy = Processes.start(rec, "proxy", Processes.java(Processes.PROXY, List.of("--listen=punix:"
                    + proxySocket, "--upstream=unix:" + rec.resolve("db.sock"), "--protocol=jsonrpc",
                    "--replay-record=" + rec.resolve("recording"), "--control=" + rec.resolve("proxy.ctl"))));
            Processes.awaitFile(proxySocket, proxy, rec.resolve("proxy.out"));
            String db = "--db=unix:" + proxySocket;
            vsctl(rec, db, "init");
            vsctl(rec, db, "add-br", "br0");
            monitor = Processes.start(rec, "monitor", List.of("ovsdb-client", "monitor", "unix:" + proxySocket,
                    "kvdb", "kv", "name", "value"));
            vsctl(rec, db, "add-port", "br0", "p1");
            vsctl(rec, db, "set", "bridge", "br0", "other_config:k=v");
            Processes.ok(rec, Processes.java(Processes.CLIENT, List.of("bench", "--server=unix:" + proxySocket,
                    "--preset=standard", "-n", "400", "--connections=2", "--monitors=1", "--no-progress")));
            vsctl(rec, db, "add-br", "br1");
            vsctl(rec, db, "del-br", "br1");
            assertEquals("br0\n", vsctl(rec, db, "list-br"));
        } finally {
            Processes.stop(monitor);
            if (proxy != null) {
                Processes.ok(rec, List.of("ovs-appctl", "-t", rec.resolve("proxy.ctl").toString(), "exit"));
                assertEquals(0, proxy.waitFor(), "the proxy ends cleanly");
            }
            Processes.stop(upstream);
        }
        recording = rec.resolve("recording");
        assertTrue(updatesOfTheBenchRows(recording) >= 2, "the bench's and ovsdb-client's monitors saw its rows");
    }

    /** How many upstream streams of the recording received updates of the bench's rows. */
    private static long updatesOfTheBenchRows(Path recording) throws Exception {
        Set<Path> streams = new HashSet<>();
        try (RecordingReader reader = RecordingReader.open(recording)) {
            RecordedEvent event;
            while ((event = reader.next()) != null) {
                String text = new String(event.payload(), StandardCharsets.UTF_8);
                if (event.type() == RecordType.RECV_DATA && text.contains("\"method\":\"update")
                        && text.contains("\"c1-")) {
                    streams.add(event.file());
                }
            }
        }
        return streams.size();
    }

    private static String vsctl(Path dir, String db, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("ovs-vsctl", db, "--no-wait", "--timeout=30"));
        command.addAll(List.of(args));
        return Processes.ok(dir, command);
    }

    private static void createDatabases(Path dir, String kvSchema) throws Exception {
        Files.writeString(dir.resolve("kv.ovsschema"), kvSchema);
        Processes.ok(dir, List.of("ovsdb-tool", "create", "conf.db", OpenVswitchTools.VSWITCH_SCHEMA.toString()));
        Processes.ok(dir, List.of("ovsdb-tool", "create", "kv.db", "kv.ovsschema"));
    }

    private static Process startOvsdbServer(Path dir) throws Exception {
        Process process = Processes.start(dir, "ovsdb-server", List.of("ovsdb-server", "conf.db", "kv.db",
                "--remote=punix:" + dir.resolve("db.sock"), "--unixctl=" + dir.resolve("ovsdb-server.ctl"),
                "--no-chdir", "--log-file=" + dir.resolve("ovsdb-server.log")));
        Processes.awaitFile(dir.resolve("db.sock"), process, dir.resolve("ovsdb-server.out"));
        return process;
    }

    private Process startSampleDbServer(Path dir) throws Exception {
        Process process = Processes.start(dir, "sample-db-server", Processes.java(Processes.SERVER,
                List.of("conf.db", "kv.db", "--remote=punix:" + dir.resolve("db.sock"), "--control="
                        + dir.resolve("sample-db-server.ctl"))));
        Processes.awaitFile(dir.resolve("db.sock"), process, dir.resolve("sample-db-server.out"));
        return process;
    }

    @AfterEach
    void stopTarget() throws Exception {
        Processes.stop(target);
    }

    private Processes.Result drive(String... options) throws Exception {
        List<String> args = new ArrayList<>(List.of("drive", recording.toString(), "--target=unix:"
                + dir.resolve("db.sock")));
        args.addAll(List.of(options));
        return Processes.run(dir, Processes.java(Processes.TOOL, args), 300);
    }

    private static JsonNode json(Processes.Result result) throws Exception {
        return Json.parse(result.out());
    }

    @Test
    void drivenAgainstAFreshOvsdbServerNothingDiverges() throws Exception {
        createDatabases(dir, schema);
        target = startOvsdbServer(dir);
        Processes.Result text = drive("--max-gap=0.5s");
        System.out.println("driven against ovsdb-server:\n" + text.out() + text.err());
        assertEquals(0, text.status(), text.out() + text.err());
        assertTrue(text.out().contains("divergences: 0"), text.out());
        Processes.Result dry = Processes.run(dir, Processes.java(Processes.TOOL, List.of("drive",
                recording.toString(), "--dry-run", "--json")), 60);
        JsonNode plan = json(dry);
        Matcher requests = Pattern.compile("requests: +(\\d+) sent").matcher(text.out());
        assertTrue(requests.find(), text.out());
        assertEquals(plan.get("requests").asLong(), Long.parseLong(requests.group(1)), "every request was sent");
        assertTrue(plan.get("requests").asLong() > 400, "the bench's, ovs-vsctl's and the monitor's requests");
    }

    @Test
    void drivenAgainstAFreshSampleDbServerNothingDiverges() throws Exception {
        createDatabases(dir, schema);
        target = startSampleDbServer(dir);
        Processes.Result result = drive("--pace=max");
        System.out.println("driven against sample-db-server:\n" + result.out() + result.err());
        assertEquals(0, result.status(), result.out() + result.err());
        assertTrue(result.out().contains("divergences: 0"), result.out());
    }

    @Test
    void withoutNormalisationTheUuidsTheTargetMadeAreDifferences() throws Exception {
        createDatabases(dir, schema);
        target = startOvsdbServer(dir);
        JsonNode report = json(drive("--pace=max", "--no-normalize", "--json"));
        assertTrue(report.get("divergences").asLong() > 0, report.toString());
        boolean onlyUuids = false;
        for (JsonNode divergence : report.get("first_divergences")) {
            String expected = divergence.get("expected").asText();
            String actual = divergence.get("actual").asText();
            if (UUID.matcher(expected).find() && !expected.equals(actual)
                    && UUID.matcher(expected).replaceAll("U").equals(UUID.matcher(actual).replaceAll("U"))) {
                onlyUuids = true;
            }
        }
        assertTrue(onlyUuids, "a divergence where nothing but the UUIDs differ: " + report.get("first_divergences"));
    }

    @Test
    void aTargetWhoseSchemaLacksAColumnIsReportedWhereItFirstAnswersOtherwise() throws Exception {
        JsonNode kv = Json.parse(schema);
        ((ObjectNode) kv.at("/tables/kv/columns")).remove("value");
        createDatabases(dir, Json.toText(kv));
        target = startOvsdbServer(dir);
        Map<String, long[]> expected = firstReplyTo(recording, "\"value\":");
        assertFalse(expected.isEmpty());
        JsonNode report = json(drive("--pace=max", "--json"));
        assertTrue(report.get("divergences").asLong() > 0, report.toString());
        int checked = 0;
        for (JsonNode divergence : report.get("first_divergences")) {
            long[] reply = expected.get(divergence.get("stream").asText());
            if (reply == null || !divergence.get("request").asText().contains("\"transact\"")) {
                continue;
            }
            assertEquals(reply[1], divergence.get("seq").asLong(), "the reply to request #" + reply[0] + ": "
                    + divergence);
            assertTrue(divergence.get("request").asText().startsWith("#" + reply[0] + " "), divergence.toString());
            assertTrue(divergence.get("expected").asText().contains("uuid"), divergence.toString());
            assertTrue(divergence.get("actual").asText().contains("error"), divergence.toString());
            checked++;
        }
        assertEquals(2, checked, "both bench connections: " + report.get("first_divergences"));
    }

    /**
     * For each client connection of a proxy recording: the sequence numbers of its first request whose text holds
     * {@code word}, and of the upstream event that completes the reply to it.
     */
    private static Map<String, long[]> firstReplyTo(Path recording, String word) throws Exception {
        Map<String, long[]> found = new HashMap<>();
        Map<Path, MessageParser> parsers = new HashMap<>();
        Map<Long, String> clientsByOpenSeq = new HashMap<>();
        Map<Path, String> upstreamOf = new HashMap<>();
        Map<String, JsonNode> askedId = new HashMap<>();
        try (RecordingReader reader = RecordingReader.open(recording)) {
            Map<Path, Long> openSeqs = new HashMap<>();
            reader.files().forEach(f -> openSeqs.put(f.path(), f.openSeq()));
            RecordedEvent event;
            while ((event = reader.next()) != null) {
                if (event.type() == RecordType.ACCEPT_OK) {
                    clientsByOpenSeq.put(event.seq(), event.detail());
                } else if (event.type() == RecordType.OPEN_OK
                        && clientsByOpenSeq.containsKey(openSeqs.get(event.file()) - 1)) {
                    upstreamOf.put(event.file(), clientsByOpenSeq.get(openSeqs.get(event.file()) - 1));
                } else if (event.type() == RecordType.RECV_DATA) {
                    MessageParser parser = parsers.computeIfAbsent(event.file(), f -> new MessageParser(1 << 26));
                    parser.feed(event.payload(), 0, event.payload().length);
                    String upstreamClient = upstreamOf.get(event.file());
                    JsonNode message;
                    while ((message = parser.next()) != null) {
                        if (upstreamClient == null && !askedId.containsKey(event.stream()) && message.has("method")
                                && Json.toText(message).contains(word)) {
                            askedId.put(event.stream(), message.get("id"));
                            found.put(event.stream(), new long[] {event.seq(), -1});
                        } else if (upstreamClient != null && found.containsKey(upstreamClient)
                                && found.get(upstreamClient)[1] < 0 && !message.has("method")
                                && message.get("id").equals(askedId.get(upstreamClient))) {
                            found.get(upstreamClient)[1] = event.seq();
                        }
                    }
                }
            }
        }
        found.values().forEach(v -> assertNotNull(v[1] >= 0 ? v : null, "a reply for every request"));
        return found;
    }
}
