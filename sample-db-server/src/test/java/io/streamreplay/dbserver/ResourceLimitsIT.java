package io.streamreplay.dbserver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.streamreplay.dbserver.testing.KvDatabase;
import io.streamreplay.dbserver.testing.OvsdbTestClient;
import io.streamreplay.dbserver.testing.ServerProcess;
import io.streamreplay.jsonrpc.Json;
import io.streamreplay.jsonrpc.Message;
import io.streamreplay.jsonrpc.MessageParser;
import io.streamreplay.stream.TlsConfig;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * One server with a small heap ({@code -Xmx256m}) against clients whose requests cost far more than their bytes:
 * each is refused or dropped alone, and the server serves on with every committed transaction answered.
 */
@Timeout(120)
class ResourceLimitsIT {

    @TempDir
    static Path dir;
    private static ServerProcess server;
    private static Path socket;

    @BeforeAll
    static void startServer() throws Exception {
        ServerProcess.createDatabase(dir, KvDatabase.SCHEMA);
        socket = dir.resolve("db.sock");
        server = ServerProcess.start(dir, dir.resolve("server.out"), List.of("kv.db", "--remote=punix:" + socket,
                "--control=" + dir.resolve("ctl")));
        server.awaitLine("serving");
    }

    @AfterAll
    static void stopServer() throws Exception {
        server.requestExit(dir.resolve("ctl"));
        assertEquals(0, server.waitFor(30), server.consoleText());
    }

    private static OvsdbTestClient client() throws Exception {
        return OvsdbTestClient.connect("unix:" + socket, TlsConfig.none());
    }

    private static JsonNode insert(String name, long value) throws Exception {
        return Json.parse("{\"op\":\"insert\",\"table\":\"kv\",\"row\":{\"name\":\"" + name + "\",\"value\":" + value
                + "}}");
    }

    @Test
    void aClientThatHalfClosesAfterPipelinedTransactionsGetsEveryReply() throws Exception {
        try (SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            String padding = "p".repeat(900);
            StringBuilder requests = new StringBuilder();
            for (int i = 0; i < 2000; i++) {
                requests.append("{\"id\":").append(i).append(",\"method\":\"transact\",\"params\":[\"kvdb\",")
                        .append(insert("half-close-" + i, i)).append(",{\"op\":\"comment\",\"comment\":\"")
                        .append(padding).append("\"}]}");
            }
            ByteBuffer out = ByteBuffer.wrap(requests.toString().getBytes(StandardCharsets.UTF_8));
            while (out.hasRemaining()) {
                channel.write(out);
            }
            channel.shutdownOutput();
            List<JsonNode> replies = readUntilClosed(channel);
            assertEquals(2000, replies.size(), "every request read is answered before the connection closes");
            for (JsonNode reply : replies) {
                assertTrue(reply.get("result").get(0).has("uuid"), reply.toString());
            }
        }
        try (OvsdbTestClient client = client()) {
            JsonNode count = client.call("transact", "kvdb", Json.parse("{\"op\":\"select\",\"table\":\"kv\","
                    + "\"where\":[[\"name\",\"==\",\"half-close-1999\"]],\"columns\":[\"value\"]}"));
            assertEquals(1999, count.get(0).get("rows").get(0).get("value").asLong());
        }
    }

    @Test
    void aMessageThatParsesIntoMoreThanTheHeapCanHoldCostsOnlyItsSender() throws Exception {
        try (OvsdbTestClient bystander = client();
                SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            // 15 MB, under the 16 MiB message limit of a 256 MiB heap, but five million objects once parsed.
            byte[] head = "{\"id\":1,\"method\":\"echo\",\"params\":[".getBytes(StandardCharsets.UTF_8);
            byte[] objects = "{},".repeat(5_000_000).getBytes(StandardCharsets.UTF_8);
            ByteBuffer out = ByteBuffer.allocate(head.length + objects.length + 3);
            out.put(head).put(objects).put("{}]}".getBytes(StandardCharsets.UTF_8), 0, 3).flip();
            channel.configureBlocking(false);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            boolean dropped = false;
            while (!dropped && System.nanoTime() < deadline) {
                try {
                    if (channel.write(out) == 0) {
                        Thread.sleep(5);
                    }
                    dropped = !out.hasRemaining() && channel.read(ByteBuffer.allocate(1)) < 0;
                } catch (IOException e) {
                    dropped = true; // the server closed the connection while we were still sending
                }
            }
            assertTrue(dropped, "the sender is dropped");
            server.awaitLine("dropped: the server holds \\d+ bytes for its clients");
            assertEquals("[\"still served\"]", bystander.call("echo", "still served").toString());
        }
    }

    @Test
    void aReplyThatWouldExhaustTheHeapIsRefusedBeforeItIsBuilt() throws Exception {
        try (OvsdbTestClient client = client()) {
            ArrayNode inserts = Json.array("kvdb");
            for (int i = 0; i < 2000; i++) {
                inserts.add(insert("amplified-" + i, i));
            }
            assertEquals(Message.Type.REPLY, client.request("transact", inserts).type());
            // Other tests of this class may have left rows too.
            int rows = client.call("transact", "kvdb", Json.parse("{\"op\":\"select\",\"table\":\"kv\","
                    + "\"where\":[],\"columns\":[\"name\"]}")).get(0).get("rows").size();
            // 46 KB of request; its reply would hold two million rows.
            ArrayNode selects = Json.array("kvdb");
            for (int i = 0; i < 1000; i++) {
                selects.add(Json.parse("{\"op\":\"select\",\"table\":\"kv\",\"where\":[]}"));
            }
            Message reply = client.request("transact", selects);
            assertEquals(Message.Type.REPLY, reply.type());
            JsonNode results = reply.result();
            assertEquals(1000, results.size());
            int refused = -1;
            for (int i = 0; i < results.size() && refused < 0; i++) {
                if (results.get(i).has("error")) {
                    refused = i;
                }
            }
            assertTrue(refused > 0, "the first selects fit: " + results.get(0).toString().length());
            JsonNode error = results.get(refused);
            assertEquals("resources exhausted", error.get("error").asText());
            assertTrue(error.get("details").asText().startsWith("the reply would take more than 33554432 bytes"),
                    error.toString());
            for (int i = 0; i < refused; i++) {
                assertEquals(rows, results.get(i).get("rows").size());
            }
            for (int i = refused + 1; i < results.size(); i++) {
                assertTrue(results.get(i).isNull());
            }
            assertEquals("[\"still served\"]", client.call("echo", "still served").toString());
        }
    }

    @Test
    void outOfDescriptorsTheServerBacksOffAndLogsAndRecordsLittle() throws Exception {
        Path run = Files.createDirectories(dir.resolve("descriptors"));
        ServerProcess.createDatabase(run, KvDatabase.SCHEMA);
        Path runSocket = run.resolve("db.sock");
        List<String> recordArgs = List.of("kv.db", "--remote=punix:" + runSocket, "--control=" + run.resolve("ctl"),
                "--log-file=server.log", "--replay-record=recording");
        List<SocketChannel> clients = new ArrayList<>();
        try (ServerProcess limited = ServerProcess.startWithFileLimit(run, run.resolve("record.out"), recordArgs,
                128)) {
            limited.awaitLine("serving");
            try {
                // More clients than descriptors: the server runs out, and its listener stays readable. A connect
                // while the listen queue is full fails at once (non-blocking); it is tried again a little later.
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (clients.size() < 200 && !limited.consoleText().contains("accept failed")
                        && System.nanoTime() < deadline) {
                    SocketChannel client = SocketChannel.open(StandardProtocolFamily.UNIX);
                    client.configureBlocking(false);
                    try {
                        client.connect(UnixDomainSocketAddress.of(runSocket));
                        clients.add(client);
                    } catch (IOException e) {
                        client.close();
                        Thread.sleep(10);
                    }
                }
                limited.awaitLine("accept failed");
                long cpuBefore = cpuTicks(limited.pid());
                long logBefore = Files.size(run.resolve("server.log"));
                long recordingBefore = size(run.resolve("recording"));
                Thread.sleep(5000);
                long cpu = cpuTicks(limited.pid()) - cpuBefore;
                long log = Files.size(run.resolve("server.log")) - logBefore;
                long recording = size(run.resolve("recording")) - recordingBefore;
                System.out.printf("out of descriptors for 5 s: %d CPU ticks, %d bytes of log, %d bytes of"
                        + " recording%n", cpu, log, recording);
                // It used to spin at 100 % (500 ticks), writing megabytes of log and recording.
                assertTrue(cpu < 100, cpu + " ticks of CPU in 5 s");
                assertTrue(log < 2048, log + " bytes of log in 5 s");
                assertTrue(recording < 16 * 1024, recording + " bytes of recording in 5 s");
            } finally {
                for (SocketChannel client : clients) {
                    client.close();
                }
            }
            // Descriptors free again: once its backoff (at most 2 s) passes, the server accepts what waits in its
            // listen queue, and a new client that could not even queue before is served.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            OvsdbTestClient client = null;
            while (client == null) {
                try {
                    client = OvsdbTestClient.connect("unix:" + runSocket, TlsConfig.none());
                } catch (IOException e) {
                    assertTrue(System.nanoTime() < deadline, "the listen queue never drained: " + e);
                    Thread.sleep(50);
                }
            }
            try (OvsdbTestClient served = client) {
                served.call("transact", "kvdb", insert("after-exhaustion", 1));
            }
            limited.requestExit(run.resolve("ctl"));
            assertEquals(0, limited.waitFor(30), limited.consoleText());
        }
        String log = Files.readString(run.resolve("server.log"));
        assertTrue(log.contains("accept failed: Too many open files; trying again in 100 ms"), log);
    }

    /** User and system CPU time of process {@code pid} so far, in clock ticks (1/100 s). */
    private static long cpuTicks(long pid) throws Exception {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }

    private static long size(Path directory) throws Exception {
        try (var files = Files.walk(directory)) {
            return files.filter(Files::isRegularFile).mapToLong(file -> file.toFile().length()).sum();
        }
    }

    /** Every reply the server sends until it closes the connection (bounded in time). */
    private static List<JsonNode> readUntilClosed(SocketChannel channel) throws Exception {
        MessageParser parser = new MessageParser(1 << 24);
        List<JsonNode> replies = new ArrayList<>();
        ByteBuffer in = ByteBuffer.allocate(64 * 1024);
        channel.configureBlocking(false);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            in.clear();
            int n = channel.read(in);
            if (n < 0) {
                return replies;
            }
            if (n == 0) {
                Thread.sleep(5);
                continue;
            }
            parser.feed(in.array(), 0, n);
            for (JsonNode reply = parser.next(); reply != null; reply = parser.next()) {
                replies.add(reply);
            }
        }
        throw new AssertionError("the connection was not closed within 60 s; " + replies.size() + " replies");
    }
}
