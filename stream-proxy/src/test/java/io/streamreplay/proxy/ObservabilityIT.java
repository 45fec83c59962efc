package io.streamreplay.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamreplay.dbserver.testing.OpenVswitchTools;
import io.streamreplay.jsonrpc.Json;
import io.streamreplay.testing.Programs;
import io.streamreplay.testing.Programs.Result;
import io.streamreplay.testing.TestCertificates;
import io.streamreplay.testing.Tiers;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
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

/**
 * The proxy's statistics in front of Open vSwitch's {@code ovsdb-server}: {@code /metrics}, parsed by the Prometheus
 * project's own parser, holds what the clients counted; {@code /health} follows the upstream; SIGUSR2 prints JSON;
 * {@code --stats-file} survives {@code kill -9}.
 */
@Tag(Tiers.SYSTEM)
class ObservabilityIT {

    private static final int CLIENTS = 3;
    private static final int REQUESTS = 20;
    private static final String LISTENER = "ptcp:0:127.0.0.1";

    @TempDir
    Path dir;
    private OvsdbServer ovsdb;
    private long bytesSent;
    private long bytesReceived;

    @BeforeAll
    static void install() throws Exception {
        OpenVswitchTools.ensureInstalled();
        Programs.ensureDebianPackages(() -> Files.exists(Path.of("/usr/lib/python3/dist-packages/prometheus_client")),
                "python3-prometheus-client");
    }

    @BeforeEach
    void startOvsdbServer() throws Exception {
        assertEquals(0, Programs.exec(dir, List.of("ovsdb-tool", "create", "conf.db",
                OpenVswitchTools.VSWITCH_SCHEMA.toString()), 30).status());
        ovsdb = startOvsdb(0, 0);
    }

    private OvsdbServer startOvsdb(int tcp, int ssl) throws Exception {
        return OvsdbServer.start(dir, TestCertificates.get().pemFiles("server"), dir.resolve("db.sock"), tcp, ssl,
                List.of("conf.db"));
    }

    @AfterEach
    void stop() {
        if (ovsdb != null) {
            ovsdb.close();
        }
    }

    private ProxyProcess startProxy(String name) throws IOException {
        return ProxyProcess.start(dir, name, List.of("--listen=" + LISTENER, "--upstream=unix:" + ovsdb.socket,
                "--protocol=jsonrpc", "--control=" + dir.resolve("proxy.ctl"), "--http=0",
                "--stats-file=" + dir.resolve("stats.json"), "--stats-interval=1"));
    }

    @Test
    void metricsHoldWhatTheClientsCountedAndHealthFollowsTheUpstream() throws Exception {
        try (ProxyProcess proxy = startProxy("proxy")) {
            int port = proxy.listenerPort("ptcp");
            int http = proxy.httpPort();
            for (int i = 0; i < CLIENTS; i++) {
                echoes(port, REQUESTS);
            }
            await(() -> stats(http).get("upstream").get("active").asLong() == 0, "the clients' connections end");

            JsonNode metrics = parsedMetrics(http);
            String listener = "{listener=\"" + LISTENER + "\"}";
            assertEquals(CLIENTS, metrics.get("stream_proxy_listener_connections_total" + listener).asLong());
            assertEquals(bytesSent, metrics.get("stream_proxy_listener_bytes_total{direction=\"upstream\",listener=\""
                    + LISTENER + "\"}").asLong(), metrics.toString());
            assertEquals(bytesReceived, metrics.get("stream_proxy_listener_bytes_total{direction=\"downstream\","
                    + "listener=\"" + LISTENER + "\"}").asLong());
            assertEquals(CLIENTS * REQUESTS, metrics.get("stream_proxy_listener_messages_total{direction=\"upstream\","
                    + "listener=\"" + LISTENER + "\",message=\"request\"}").asLong());
            assertEquals(CLIENTS * REQUESTS, metrics.get("stream_proxy_listener_messages_total{direction="
                    + "\"downstream\",listener=\"" + LISTENER + "\",message=\"reply\"}").asLong());
            assertEquals(CLIENTS * REQUESTS, metrics.get("stream_proxy_listener_request_latency_seconds_count"
                    + listener).asLong());
            assertEquals(0, metrics.get("stream_proxy_buffered_bytes{}").asLong());

            assertEquals(200, ProxyProcess.get(http, "/health").statusCode());
            int tcp = ovsdb.tcpPort;
            int ssl = ovsdb.sslPort;
            ovsdb.close();
            ovsdb = null;
            var down = ProxyProcess.get(http, "/health");
            assertEquals(503, down.statusCode(), down.body());
            assertTrue(down.body().startsWith("the upstream does not accept connections: unix:"), down.body());
            ovsdb = startOvsdb(tcp, ssl);
            assertEquals(200, ProxyProcess.get(http, "/health").statusCode());

            proxy.signal("USR2");
            await(() -> proxy.stdout().contains("\n"), "SIGUSR2 prints the statistics");
            JsonNode printed = Json.parse(proxy.stdout().lines().findFirst().orElseThrow());
            assertEquals(CLIENTS, printed.get("listeners").get(LISTENER).get("connections").asLong());
            assertEquals(CLIENTS * REQUESTS, printed.get("listeners").get(LISTENER).get("latency_us").get("count")
                    .asLong());
            assertTrue(proxy.process().isAlive(), "SIGUSR2 does not stop the proxy");
        }
    }

    @Test
    void theStatsFileSurvivesKill9() throws Exception {
        try (ProxyProcess proxy = startProxy("first")) {
            int port = proxy.listenerPort("ptcp");
            for (int i = 0; i < CLIENTS; i++) {
                echoes(port, REQUESTS);
            }
            await(() -> Files.exists(dir.resolve("stats.json")) && Json.parse(Files.readString(dir.resolve(
                    "stats.json"))).get("listeners").get(LISTENER).get("connections").asLong() == CLIENTS,
                    "the counters are saved");
            proxy.signal("KILL");
            assertEquals(137, proxy.waitFor(30));
        }
        try (ProxyProcess proxy = startProxy("second")) {
            int port = proxy.listenerPort("ptcp");
            int http = proxy.httpPort();
            JsonNode restored = stats(http).get("listeners").get(LISTENER);
            assertEquals(CLIENTS, restored.get("connections").asLong(), restored.toString());
            assertEquals(bytesSent, restored.get("bytes_upstream").asLong());
            assertEquals(CLIENTS * REQUESTS, restored.get("messages").get("upstream").get("request").asLong());
            echoes(port, 1);
            await(() -> stats(http).get("listeners").get(LISTENER).get("connections").asLong() == CLIENTS + 1,
                    "counting goes on from the restored counters");
        }
    }

    /** One client: {@code count} echo requests, each awaiting its reply, counting the bytes both ways. */
    private void echoes(int port, int count) throws Exception {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5000);
            socket.setSoTimeout(10_000);
            long[] received = {0};
            InputStream counting = new FilterInputStream(socket.getInputStream()) {
                @Override
                public int read() throws IOException {
                    int b = super.read();
                    received[0] += b < 0 ? 0 : 1;
                    return b;
                }

                @Override
                public int read(byte[] buffer, int offset, int length) throws IOException {
                    int n = super.read(buffer, offset, length);
                    received[0] += Math.max(0, n);
                    return n;
                }
            };
            OutputStream out = socket.getOutputStream();
            MappingIterator<JsonNode> replies = null;
            for (int i = 0; i < count; i++) {
                byte[] request = ("{\"id\":" + i + ",\"method\":\"echo\",\"params\":[\"hello\"]}")
                        .getBytes(StandardCharsets.UTF_8);
                out.write(request);
                bytesSent += request.length;
                if (replies == null) {
                    replies = new ObjectMapper().readerFor(JsonNode.class).readValues(counting);
                }
                JsonNode reply = replies.next();
                assertEquals(i, reply.get("id").asInt(), reply.toString());
            }
            socket.shutdownOutput();
            while (counting.read() >= 0) {
                // the server ends its side once it sees ours ended
            }
            bytesReceived += received[0];
        }
    }

    private JsonNode parsedMetrics(int http) throws Exception {
        Path text = dir.resolve("metrics.txt");
        Files.writeString(text, ProxyProcess.get(http, "/metrics").body());
        Path script = dir.resolve("parse_metrics.py");
        try (InputStream in = getClass().getResourceAsStream("/parse_metrics.py")) {
            Files.copy(in, script, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        Result parsed = Programs.exec(dir, List.of("/usr/bin/python3", script.toString(), text.toString()), 30);
        assertEquals(0, parsed.status(), parsed.output());
        return Json.parse(parsed.output());
    }

    private static JsonNode stats(int http) throws Exception {
        return Json.parse(ProxyProcess.get(http, "/stats").body());
    }

    /** A condition that may throw, for {@link #await}. */
    private interface Check {
        boolean holds() throws Exception;
    }

    private static void await(Check check, String what) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            if (check.holds()) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError(what + ": not within 20 s");
    }
}
