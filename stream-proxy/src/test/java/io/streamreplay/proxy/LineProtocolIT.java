package io.streamreplay.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamreplay.jsonrpc.Json;
import io.streamreplay.testing.Programs;
import io.streamreplay.testing.Programs.Result;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --protocol=lines}, through the packaged proxy in front of a line-protocol server ({@code REQ n data},
 * answered {@code ACK n} or {@code NAK n}): messages are counted by their first word each way, per connection,
 * per listener and for the upstream, the bytes each way per connection are what each client sent and received, and
 * the rates over 1, 10 and 60 s follow, in the control command {@code stats} and {@code /stats} alike.
 */
class LineProtocolIT {

    private static final String LISTENER = "ptcp:0:127.0.0.1";

    @TempDir
    Path dir;
    private final ExecutorService upstreamThreads = Executors.newCachedThreadPool();
    private ServerSocket upstream;
    private Future<Void> acceptor;

    /**
     * The upstream: answers each {@code REQ n ...} line with {@code ACK n} when n is even and {@code NAK n} when it
     * is odd, any other line with {@code ERR}.
     */
    @BeforeEach
    void startUpstream() throws IOException {
        upstream = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        acceptor = upstreamThreads.submit(() -> {
            while (!upstream.isClosed()) {
                Socket connection = upstream.accept();
                var unused = upstreamThreads.submit(() -> answer(connection)); // ends with its connection
            }
            return null;
        });
    }

    private static Void answer(Socket connection) throws IOException {
        try (connection) {
            connection.setSoTimeout(30_000);
            BufferedReader in = new BufferedReader(new InputStreamReader(connection.getInputStream(),
                    StandardCharsets.US_ASCII));
            OutputStream out = connection.getOutputStream();
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                String[] words = line.split(" ");
                String answer = !words[0].equals("REQ") ? "ERR\n"
                        : (Integer.parseInt(words[1]) % 2 == 0 ? "ACK " : "NAK ") + words[1] + "\n";
                out.write(answer.getBytes(StandardCharsets.US_ASCII));
                out.flush();
            }
        }
        return null;
    }

    @AfterEach
    void stopUpstream() throws Exception {
        upstream.close();
        upstreamThreads.shutdownNow();
        assertTrue(acceptor.isDone() || upstreamThreads.awaitTermination(10, TimeUnit.SECONDS));
    }

    /** A client of the line protocol through the proxy, counting the bytes it sent and received. */
    private static final class LineClient implements AutoCloseable {
        final Socket socket = new Socket();
        final BufferedReader in;
        long sent;
        long received;

        LineClient(int port) throws IOException {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5000);
            socket.setSoTimeout(10_000);
            in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
        }

        String call(String line) throws IOException {
            byte[] bytes = (line + "\n").getBytes(StandardCharsets.US_ASCII);
            socket.getOutputStream().write(bytes);
            sent += bytes.length;
            String answer = in.readLine();
            received += answer.length() + 1;
            return answer;
        }

        int localPort() {
            return socket.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    @Test
    void messagesAreCountedByFirstWordPerConnectionAndRatesFollowThem() throws Exception {
        try (ProxyProcess proxy = ProxyProcess.start(dir, "proxy", List.of("--listen=" + LISTENER, "--upstream=tcp:"
                + "127.0.0.1:" + upstream.getLocalPort(), "--protocol=lines", "--control=" + dir.resolve("proxy.ctl"),
                "--http=0"));
                LineClient first = new LineClient(proxy.listenerPort("ptcp"));
                LineClient second = new LineClient(proxy.listenerPort("ptcp"))) {
            int http = proxy.httpPort();
            for (int n = 0; n < 5; n++) {
                assertEquals((n % 2 == 0 ? "ACK " : "NAK ") + n, first.call("REQ " + n + " data " + "x".repeat(n)));
            }
            assertEquals("ACK 10", second.call("REQ 10 data"));
            assertEquals("ERR", second.call("PING"));
            assertEquals("ERR", second.call("  PING\tagain"));

            JsonNode stats = stats(http);
            assertEquals("lines", stats.get("protocol").asText());
            List<JsonNode> connections = new ArrayList<>();
            stats.get("connections").forEach(connections::add);
            assertEquals(2, connections.size(), stats.toPrettyString());
            JsonNode one = connection(connections, first.localPort());
            assertEquals(first.sent, one.get("bytes_upstream").asLong(), one.toString());
            assertEquals(first.received, one.get("bytes_downstream").asLong(), one.toString());
            assertEquals(Json.parse("{\"upstream\":{\"REQ\":5},\"downstream\":{\"ACK\":3,\"NAK\":2}}"),
                    one.get("messages"));
            JsonNode two = connection(connections, second.localPort());
            assertEquals(second.sent, two.get("bytes_upstream").asLong(), two.toString());
            assertEquals(second.received, two.get("bytes_downstream").asLong(), two.toString());
            assertEquals(Json.parse("{\"upstream\":{\"PING\":2,\"REQ\":1},\"downstream\":{\"ACK\":1,\"ERR\":2}}"),
                    two.get("messages"));
            assertEquals("open", one.get("state").asText(), one.toString());
            assertEquals(LISTENER, one.get("listener").asText(), one.toString());

            JsonNode listener = stats.get("listeners").get(LISTENER);
            assertEquals(Json.parse("{\"upstream\":{\"PING\":2,\"REQ\":6},\"downstream\":{\"ACK\":4,\"ERR\":2,"
                    + "\"NAK\":2}}"), listener.get("messages"));
            assertEquals(2, listener.get("connections").asLong());
            assertEquals(first.sent + second.sent, listener.get("bytes_upstream").asLong());
            assertEquals(listener.get("messages"), stats.get("upstream").get("messages"));

            // Sampled at start and once a second: within a second or two, these messages and connections, sent in
            // the proxy's first second or so, show in every window.
            await(() -> {
                JsonNode rates = stats(http).get("listeners").get(LISTENER).get("rates");
                return rates.get("60s").get("messages").asDouble() > 0;
            }, "the rates follow the messages, those of the first second included");
            JsonNode rates = stats(http).get("listeners").get(LISTENER).get("rates");
            assertEquals(List.of("1s", "10s", "60s"), fieldNames(rates), rates.toString());
            for (String window : List.of("10s", "60s")) {
                for (String rate : Scope.RATED) {
                    assertTrue(rates.get(window).get(rate).asDouble() > 0, window + " " + rate + ": " + rates);
                }
            }

            Result control = Programs.exec(dir, List.of("ovs-appctl", "-t", dir.resolve("proxy.ctl").toString(),
                    "stats"), 30);
            assertEquals(0, control.status(), control.output());
            JsonNode viaControl = Json.parse(control.output());
            assertEquals(listener.get("messages"), viaControl.get("listeners").get(LISTENER).get("messages"));
            assertEquals(two.get("messages"), connection(iterable(viaControl.get("connections")), second.localPort())
                    .get("messages"));
        }
    }

    private static JsonNode connection(List<JsonNode> connections, int clientPort) {
        return connections.stream().filter(c -> c.get("peer").asText().endsWith(":" + clientPort)).findFirst()
                .orElseThrow(() -> new AssertionError("no connection from port " + clientPort + " in "
                        + connections));
    }

    private static List<JsonNode> iterable(JsonNode array) {
        List<JsonNode> list = new ArrayList<>();
        array.forEach(list::add);
        return list;
    }

    private static List<String> fieldNames(JsonNode object) {
        List<String> names = new ArrayList<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
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
        while (!check.holds()) {
            assertTrue(System.nanoTime() < deadline, what + ": not within 20 s");
            Thread.sleep(50);
        }
    }
}
