package io.streamreplay.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamreplay.dbserver.testing.OpenVswitchTools;
import io.streamreplay.dbserver.testing.ServerProcess;
import io.streamreplay.jsonrpc.Json;
import io.streamreplay.testing.Programs;
import io.streamreplay.testing.Programs.Result;
import io.streamreplay.testing.TestCertificates;
import io.streamreplay.testing.TestCertificates.PemFiles;
import io.streamreplay.testing.Tiers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Open vSwitch's own {@code ovsdb-server} behind stream-proxy, used by {@code ovsdb-client}, {@code ovs-vsctl} and
 * {@code sample-client bench} over unix, tcp and TLS: every client prints through the proxy what it prints when it
 * talks to the server directly, and the proxy's recording replays with no server running, to the same log.
 */
@Tag(Tiers.SYSTEM)
class StreamProxyIT {

    static final Path CLIENT_JAR = Path.of(System.getProperty("sample-client.jar",
            "../sample-client/target/sample-client.jar")).toAbsolutePath();

    @TempDir
    Path dir;
    private PemFiles server;
    private PemFiles client;
    private OvsdbServer ovsdb;

    @BeforeAll
    static void installOpenVswitch() throws Exception {
        OpenVswitchTools.ensureInstalled();
    }

    @BeforeEach
    void startOvsdbServer() throws Exception {
        server = TestCertificates.get().pemFiles("server");
        client = TestCertificates.get().pemFiles("client");
        Result schema = Programs.exec(dir, List.of(ServerProcess.java(), "-jar", CLIENT_JAR.toString(), "bench",
                "--print-schema"), 60);
        assertEquals(0, schema.status(), schema.output());
        Files.writeString(dir.resolve("kv.ovsschema"), schema.output());
        ok("ovsdb-tool", "create", "kv.db", "kv.ovsschema");
        ok("ovsdb-tool", "create", "conf.db", OpenVswitchTools.VSWITCH_SCHEMA.toString());
        ovsdb = OvsdbServer.start(dir, server, dir.resolve("db.sock"), 0, 0, List.of("conf.db", "kv.db"));
    }

    @AfterEach
    void stopOvsdbServer() {
        if (ovsdb != null) {
            ovsdb.close();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"unix", "tcp", "ssl"})
    void clientsSeeThroughTheProxyWhatTheySeeDirectlyAndTheRecordingReplays(String transport) throws Exception {
        String upstream = switch (transport) {
            case "unix" -> "unix:" + ovsdb.socket;
            case "tcp" -> "tcp:127.0.0.1:" + ovsdb.tcpPort;
            default -> "ssl:127.0.0.1:" + ovsdb.sslPort;
        };
        String listen = switch (transport) {
            case "unix" -> "punix:" + dir.resolve("proxy.sock");
            case "tcp" -> "ptcp:0:127.0.0.1";
            default -> "pssl:0:127.0.0.1";
        };
        List<String> args = new ArrayList<>(List.of("--listen=" + listen, "--upstream=" + upstream,
                "--protocol=jsonrpc", "--control=" + dir.resolve("proxy.ctl"), "--replay-record=recording",
                "--log-file=" + dir.resolve("proxy.log")));
        if (transport.equals("ssl")) {
            args.addAll(List.of("--private-key=" + server.key(), "--certificate=" + server.certificate(),
                    "--ca-cert=" + server.ca()));
        }
        String proxied;
        try (ProxyProcess proxy = ProxyProcess.start(dir, "proxy", args)) {
            proxied = switch (transport) {
                case "unix" -> {
                    proxy.awaitLine("punix:.*: listening");
                    yield "unix:" + dir.resolve("proxy.sock");
                }
                case "tcp" -> "tcp:127.0.0.1:" + proxy.listenerPort("ptcp");
                default -> "ssl:127.0.0.1:" + proxy.listenerPort("pssl");
            };
            List<String> tls = transport.equals("ssl") ? List.of("--private-key=" + client.key(),
                    "--certificate=" + client.certificate(), "--ca-cert=" + client.ca()) : List.of();

            sameBothWays(upstream, proxied, tls, "ovsdb-client", "list-dbs", "%s");
            sameBothWays(upstream, proxied, tls, "ovsdb-client", "get-schema", "%s", "kvdb");
            ok(withTls(tls, "ovs-vsctl", "--db=" + proxied, "--no-wait", "init"));
            ok(withTls(tls, "ovs-vsctl", "--db=" + proxied, "--no-wait", "add-br", "br0"));
            ok(withTls(tls, "ovs-vsctl", "--db=" + proxied, "--no-wait", "add-port", "br0", "p1", "--", "set",
                    "interface", "p1", "type=internal"));
            ok(withTls(tls, "ovs-vsctl", "--db=" + proxied, "--no-wait", "set", "bridge", "br0", "external_ids:k=v"));
            sameBothWays(upstream, proxied, tls, "ovs-vsctl", "--db=%s", "list-br");
            sameBothWays(upstream, proxied, tls, "ovs-vsctl", "--db=%s", "list-ports", "br0");
            sameBothWays(upstream, proxied, tls, "ovs-vsctl", "--db=%s", "get", "bridge", "br0", "external_ids");
            sameBothWays(upstream, proxied, tls, "ovsdb-client", "dump", "%s", "Open_vSwitch", "Bridge", "name",
                    "ports", "external_ids");

            List<String> bench = new ArrayList<>(List.of(ServerProcess.java(), "-jar", CLIENT_JAR.toString(),
                    "bench", proxied, "-n", "300", "--connections", "3", "--monitors", "1", "--json",
                    "--no-progress"));
            bench.addAll(tls);
            JsonNode summary = Json.parse(ok(bench));
            assertEquals(300, summary.get("completed").asInt(), summary.toString());
            assertEquals(0, summary.get("errors").asInt(), summary.toString());
            String select = "[\"kvdb\",{\"op\":\"select\",\"table\":\"kv\",\"where\":[],\"columns\":[\"name\","
                    + "\"value\"]}]";
            sameBothWays(upstream, proxied, tls, "ovsdb-client", "query", "%s", select);

            JsonNode stats = Json.parse(ok("ovs-appctl", "-t", dir.resolve("proxy.ctl").toString(), "stats"));
            assertTrue(stats.get("upstream").get("messages").get("upstream").get("request").asLong() > 300,
                    stats.toString());
            // Measured on the loop's recorded clock: the replay computes the same reply, latency included.
            assertTrue(stats.get("upstream").get("latency_us").get("count").asLong() > 300, stats.toString());
            assertEquals("", ok("ovs-appctl", "-t", dir.resolve("proxy.ctl").toString(), "exit"));
            assertEquals(0, proxy.waitFor(30), proxy.console());
        }
        ovsdb.close();
        ovsdb = null;

        Path elsewhere = Files.createDirectory(dir.resolve("replay"));
        try (ProxyProcess replay = ProxyProcess.start(elsewhere, "replay", List.of("--replay=" + dir.resolve(
                "recording"), "--log-file=" + elsewhere.resolve("proxy.log")))) {
            assertEquals(0, replay.waitFor(60), replay.console());
            assertTrue(replay.console().contains("the application ended where the recorded run ended"),
                    replay.console());
        }
        assertEquals(withoutTimestamps(dir.resolve("proxy.log")), withoutTimestamps(elsewhere.resolve("proxy.log")));
    }

    @Test
    void faultsInjectedOnBothSidesOfTheProxyAreRecordedAndTheRecordingReplaysWithoutThem() throws Exception {
        String upstream = "unix:" + ovsdb.socket;
        List<String> args = List.of("--listen=ptcp:0:127.0.0.1", "--upstream=" + upstream, "--protocol=jsonrpc",
                "--control=" + dir.resolve("proxy.ctl"), "--replay-record=recording",
                "--log-file=" + dir.resolve("proxy.log"),
                "--stream-faults=ptcp:*:100:slice(max=16),unix:*:20:delay(ms=3;jitter=2),ptcp:*:2:hang(ms=30)",
                "--stream-faults-seed=3");
        String ctl = dir.resolve("proxy.ctl").toString();
        try (ProxyProcess proxy = ProxyProcess.start(dir, "proxy", args)) {
            String proxied = "tcp:127.0.0.1:" + proxy.listenerPort("ptcp");
            JsonNode summary = Json.parse(ok(ServerProcess.java(), "-jar", CLIENT_JAR.toString(), "bench", proxied,
                    "-n", "150", "--connections", "3", "--monitors", "1", "--json", "--no-progress"));
            assertEquals(150, summary.get("completed").asInt(), "pieces and delays break nothing: " + summary);
            sameBothWays(upstream, proxied, List.of(), "ovsdb-client", "dump", "%s", "kvdb", "kv", "name", "value");

            ok("ovs-appctl", "-t", ctl, "stream-faults/set", "ptcp:*:100:delay(ms=300)");
            long start = System.nanoTime();
            sameBothWays(upstream, proxied, List.of(), "ovsdb-client", "list-dbs", "%s");
            assertTrue(System.nanoTime() - start >= 300_000_000L, "the proxied list-dbs waited for its delay");
            assertEquals("no stream faults, seed 3\n", ok("ovs-appctl", "-t", ctl, "stream-faults/clear"));
            assertEquals("", ok("ovs-appctl", "-t", ctl, "exit"));
            assertEquals(0, proxy.waitFor(30), proxy.console());
        }
        ovsdb.close();
        ovsdb = null;

        Path elsewhere = Files.createDirectory(dir.resolve("replay"));
        try (ProxyProcess replay = ProxyProcess.start(elsewhere, "replay", List.of("--replay=" + dir.resolve(
                "recording"), "--log-file=" + elsewhere.resolve("proxy.log")))) {
            assertEquals(0, replay.waitFor(60), replay.console());
        }
        assertEquals(withoutTimestamps(dir.resolve("proxy.log")), withoutTimestamps(elsewhere.resolve("proxy.log")),
                "the replay, without faults injected, logs what the faulted run logged");
    }

    /** Runs the command with {@code %s} as the server directly and through the proxy; both print the same. */
    private void sameBothWays(String direct, String proxied, List<String> tls, String... command) throws Exception {
        String viaServer = ok(withTls(tls, fill(command, direct)));
        String viaProxy = ok(withTls(tls, fill(command, proxied)));
        assertEquals(viaServer, viaProxy, String.join(" ", command));
    }

    private static String[] fill(String[] command, String target) {
        String[] filled = command.clone();
        for (int i = 0; i < filled.length; i++) {
            filled[i] = filled[i].replace("%s", target);
        }
        return filled;
    }

    private static List<String> withTls(List<String> tls, String... command) {
        List<String> full = new ArrayList<>(List.of(command[0]));
        full.addAll(tls);
        full.addAll(List.of(command).subList(1, command.length));
        return full;
    }

    private String ok(String... command) throws Exception {
        return ok(List.of(command));
    }

    private String ok(List<String> command) throws Exception {
        Result result = Programs.exec(dir, command, 60);
        assertEquals(0, result.status(), String.join(" ", command) + " printed:\n" + result.output());
        return result.output();
    }

    static List<String> withoutTimestamps(Path log) throws Exception {
        return Files.readAllLines(log).stream().map(line -> line.substring(line.indexOf('|') + 1))
                .collect(Collectors.toList());
    }
}
