package io.streamreplay.dbserver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.streamreplay.dbserver.storage.DatabaseFile;
import io.streamreplay.dbserver.testing.KvDatabase;
import io.streamreplay.dbserver.testing.OvsdbTestClient;
import io.streamreplay.dbserver.testing.ServerProcess;
import io.streamreplay.jsonrpc.Json;
import io.streamreplay.jsonrpc.Message;
import io.streamreplay.replay.RecordingReader;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A recording server under hostile clients, each on its own connection: every one gets its documented error or
 * disconnect, while a well-behaved client keeps being served, the server's memory and file descriptors stay
 * bounded, the database holds only what the well-behaved client committed, and the recording of it all replays to
 * the same database. Each case runs on a server of its own, recording from its start, and ends by replaying it.
 */
class HostileInputIT {

    /** Methods and the number of parameters to try wrong values in. */
    private static final List<String> METHODS = List.of("list_dbs", "get_schema", "transact", "monitor",
            "monitor_cond", "monitor_cond_since", "monitor_cond_change", "monitor_cancel", "lock", "steal", "unlock",
            "echo", "set_db_change_aware", "get_server_id", "cancel");
    private static final List<String> WRONG_VALUES = List.of("null", "true", "-1", "1.5", "\"\"", "\"kvdb\"", "[]",
            "[[]]", "{}", "{\"kv\":1}", "[\"kvdb\",{\"op\":\"frobnicate\"}]");

    private static int inputsTried;

    @TempDir
    Path dir;
    private ServerProcess server;
    private Path socket;
    private OvsdbTestClient good;
    private int goodTransactions;

    @BeforeEach
    void startServer() throws Exception {
        ServerProcess.createDatabase(dir, KvDatabase.SCHEMA);
        socket = dir.resolve("db.sock");
        server = ServerProcess.start(dir, dir.resolve("server.out"), List.of("kv.db", "--remote=punix:" + socket,
                "--control=" + dir.resolve("ctl"), "--replay-record=recording"));
        server.awaitLine("serving");
        good = OvsdbTestClient.connect("unix:" + socket, TlsConfig.none());
    }

    @AfterEach
    void stopServer() {
        good.close();
        server.close();
    }

    @AfterAll
    static void total() {
        System.out.printf("hostile inputs tried: %d%n", inputsTried);
    }

    /** The well-behaved client still commits, after every hostile case. */
    private void goodClientIsServed() throws Exception {
        JsonNode result = good.call("transact", "kvdb", Json.parse("{\"op\":\"insert\",\"table\":\"kv\",\"row\":"
                + "{\"name\":\"good" + goodTransactions + "\",\"value\":" + goodTransactions + "}}"));
        assertTrue(result.get(0).has("uuid"), result.toString());
        goodTransactions++;
    }

    @Test
    void malformedTruncatedAndNonUtf8InputDisconnectsOnlyThatClient() throws Exception {
        List<byte[]> inputs = new ArrayList<>();
        inputs.add(bytes("{\"id\":1,\"method\":\"echo\",\"params\":[}"));
        inputs.add(bytes("]"));
        inputs.add(bytes("{\"id\":1 \"method\":\"echo\"}"));
        inputs.add(bytes("\"a bare string\""));
        inputs.add(bytes("12345 "));
        inputs.add(new byte[] {'{', '"', 'i', 'd', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'});
        inputs.add(new byte[] {(byte) 0xFF, (byte) 0xFE, (byte) 0xFD});
        inputs.add(bytes("{\"id\":1,\"method\":\"echo\",\"params\":[\"\u0001\"]}"));
        inputs.add(bytes("[".repeat(100_000)));
        inputs.add(bytes("{\"a\":".repeat(5_000)));
        for (byte[] input : inputs) {
            try (RawClient client = RawClient.connect(socket)) {
                client.send(input);
                assertTrue(client.awaitClose(10_000), "the server drops a client that sent " + preview(input));
            }
            inputsTried++;
            goodClientIsServed();
        }
        // Truncated mid-message, then gone: nothing to answer, nobody else affected.
        try (RawClient client = RawClient.connect(socket)) {
            client.send(bytes("{\"id\":7,\"method\":\"transact\",\"params\":[\"kvdb\",{\"op\":\"ins"));
        }
        inputsTried++;
        goodClientIsServed();
        theDatabaseHoldsOnlyTheGoodTransactionsAndTheRecordingReplaysToIt();
    }

    @Test
    void invalidMessagesAndRepliesFromAClientDisconnectIt() throws Exception {
        List<String> inputs = List.of(
                "{\"id\":1,\"method\":\"echo\",\"params\":[],\"surplus\":1}",
                "{\"id\":1,\"method\":3,\"params\":[]}",
                "{\"id\":1,\"method\":\"echo\",\"params\":{}}",
                "{\"method\":\"echo\"}",
                "{\"id\":1,\"result\":[],\"error\":null}",
                "{\"id\":1,\"result\":null,\"error\":\"oops\"}",
                "{}",
                "[]");
        for (String input : inputs) {
            try (RawClient client = RawClient.connect(socket)) {
                client.send(bytes(input));
                assertTrue(client.awaitClose(10_000), "the server drops a client that sent " + input);
            }
            inputsTried++;
            goodClientIsServed();
        }
        theDatabaseHoldsOnlyTheGoodTransactionsAndTheRecordingReplaysToIt();
    }

    @Test
    void wrongValuesInEveryParameterOfEveryMethodGetErrorRepliesAndTheConnectionStays() throws Exception {
        try (OvsdbTestClient client = OvsdbTestClient.connect("unix:" + socket, TlsConfig.none())) {
            for (String method : METHODS) {
                for (int position = 0; position < 4; position++) {
                    for (String wrong : WRONG_VALUES) {
                        List<String> params = new ArrayList<>(List.of("\"kvdb\"", "null", "{}", "[]"));
                        params.set(position, wrong);
                        Message reply = client.request(method,
                                (ArrayNode) Json.parse("[" + String.join(",", params.subList(0, position + 1)) + "]"));
                        assertTrue(reply.type() == Message.Type.REPLY || reply.type() == Message.Type.ERROR,
                                method + " " + params + ": " + reply);
                        if (reply.type() == Message.Type.REPLY && reply.result().isObject()
                                && reply.result().has("error")) {
                            assertFalse(reply.result().path("error").asText().isEmpty());
                        }
                        inputsTried++;
                    }
                }
                // Cancel anything a wrong value left parked or monitoring, so later cases start clean.
                client.request("monitor_cancel", (ArrayNode) Json.parse("[null]"));
            }
            assertEquals("[\"still\",\"here\"]", client.call("echo", "still", "here").toString());
        }
        goodClientIsServed();
        theDatabaseHoldsOnlyTheGoodTransactionsAndTheRecordingReplaysToIt();
    }

    @Test
    void unknownDatabasesTablesAndColumnsAreNamedInTheirErrors() throws Exception {
        try (OvsdbTestClient client = OvsdbTestClient.connect("unix:" + socket, TlsConfig.none())) {
            Message noDb = client.request("transact", "nodb", Json.parse("{\"op\":\"comment\",\"comment\":\"x\"}"));
            assertEquals("unknown database", noDb.error().path("error").asText(), noDb.toString());
            JsonNode noTable = client.call("transact", "kvdb", Json.parse("{\"op\":\"select\",\"table\":\"nope\","
                    + "\"where\":[]}"));
            assertTrue(noTable.get(0).toString().contains("nope"), noTable.toString());
            JsonNode noColumn = client.call("transact", "kvdb", Json.parse("{\"op\":\"select\",\"table\":\"kv\","
                    + "\"where\":[[\"nope\",\"==\",1]]}"));
            assertTrue(noColumn.get(0).toString().contains("nope"), noColumn.toString());
            inputsTried += 3;
        }
        goodClientIsServed();
        theDatabaseHoldsOnlyTheGoodTransactionsAndTheRecordingReplaysToIt();
    }

    @Test
    void hugeMessagesAreRefusedBeforeTheyEndAndLargeOnesUnderTheLimitAreServed() throws Exception {
        try (RawClient client = RawClient.connect(socket)) {
            // 70 MiB of string, over the 64 MiB limit: the server drops the connection without holding it all.
            client.send(bytes("{\"id\":1,\"method\":\"echo\",\"params\":[\""));
            byte[] chunk = "x".repeat(1 << 20).getBytes(StandardCharsets.US_ASCII);
            boolean dropped = false;
            for (int i = 0; i < 70 && !dropped; i++) {
                dropped = !client.trySend(chunk);
            }
            assertTrue(dropped || client.awaitClose(10_000), "an oversized message ends the connection");
        }
        inputsTried++;
        try (OvsdbTestClient client = OvsdbTestClient.connect("unix:" + socket, TlsConfig.none())) {
            StringBuilder array = new StringBuilder("[");
            for (int i = 0; i < 200_000; i++) {
                array.append(i == 0 ? "" : ",").append(i);
            }
            array.append(']');
            JsonNode echoed = client.call("echo", Json.parse(array.toString()));
            assertEquals(200_000, echoed.get(0).size(), "a 1.3 MB array under the limit is served");
            Message wrong = client.request("transact", "kvdb", Json.parse(array.toString()));
            assertTrue(wrong.type() == Message.Type.ERROR || wrong.result().get(0).has("error"), "as a bad"
                    + " operation it is an error, not a crash");
            inputsTried += 2;
        }
        goodClientIsServed();
        theDatabaseHoldsOnlyTheGoodTransactionsAndTheRecordingReplaysToIt();
    }

    @Test
    void clientsThatNeverReadAreDroppedWhenTheirBacklogsFillAndOthersAreServedMeanwhile() throws Exception {
        // Each echo of 1 MiB comes back as 1 MiB that these clients never read. The server (-Xmx256m) allows
        // 32 MiB per client and 64 MiB for all together.
        byte[] request = bytes("{\"id\":0,\"method\":\"echo\",\"params\":[\"" + "y".repeat(1 << 20) + "\"]}");
        try (RawClient client = RawClient.connect(socket)) {
            boolean dropped = false;
            for (int i = 0; i < 100 && !dropped; i++) {
                dropped = !client.trySend(request);
            }
            assertTrue(dropped || client.awaitClose(20_000), "past its own backlog limit the client is dropped");
        }
        inputsTried++;
        goodClientIsServed();

        List<RawClient> slow = new ArrayList<>();
        for (int c = 0; c < 4; c++) {
            slow.add(RawClient.connect(socket));
        }
        int dropped = 0;
        for (int i = 0; i < 24; i++) {
            for (RawClient client : slow) {
                if (!client.trySend(request)) {
                    dropped++;
                }
            }
        }
        goodClientIsServed();
        for (RawClient client : slow) {
            client.close();
        }
        inputsTried += slow.size();
        String log = Files.readString(dir.resolve("server.out"));
        assertTrue(log.contains("the peer is not reading"), "the first client hit its own limit");
        assertTrue(log.contains("for its clients (unread replies, messages received in part), over its limit of"
                + " 67108864"),
                "four clients of 24 MiB each hit the total limit (" + dropped + " sends refused)");
        goodClientIsServed();
        theDatabaseHoldsOnlyTheGoodTransactionsAndTheRecordingReplaysToIt();
    }

    @Test
    void manyClientsEachSendingAMessageJustUnderTheLimitAreDroppedUntilTheServerHoldsLittleEnough()
            throws Exception {
        // Each sends 12 MiB of a 16 MiB-limited message and stops: parsed in part, each holds about 24 MiB.
        byte[] chunk = "z".repeat(1 << 20).getBytes(StandardCharsets.US_ASCII);
        List<RawClient> senders = new ArrayList<>();
        for (int c = 0; c < 5; c++) {
            RawClient client = RawClient.connect(socket);
            senders.add(client);
            client.send(bytes("{\"id\":0,\"method\":\"echo\",\"params\":[\""));
            for (int i = 0; i < 12; i++) {
                client.trySend(chunk);
            }
            goodClientIsServed();
        }
        int dropped = 0;
        for (RawClient client : senders) {
            if (client.awaitClose(200)) {
                dropped++;
            }
            client.close();
        }
        inputsTried += senders.size();
        assertTrue(dropped >= 2, "five half-sent 12 MiB messages exceed the 64 MiB the server holds for all its"
                + " clients; " + dropped + " were dropped");
        goodClientIsServed();
        theDatabaseHoldsOnlyTheGoodTransactionsAndTheRecordingReplaysToIt();
    }

    @Test
    void thousandsOfConnectionsOpeningAndClosingLeaveNoDescriptorBehind() throws Exception {
        long pid = server.process().pid();
        int before = openDescriptors(pid);
        for (int round = 0; round < 20; round++) {
            List<RawClient> clients = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                clients.add(RawClient.connect(socket));
            }
            for (int i = 0; i < clients.size(); i++) {
                if (i % 2 == 0) {
                    clients.get(i).send(bytes("{\"id\":" + i + ",\"method\":\"echo\",\"params\":[]}"));
                }
                clients.get(i).close();
            }
            inputsTried += clients.size();
        }
        goodClientIsServed();
        long deadline = System.currentTimeMillis() + 10_000;
        while (openDescriptors(pid) > before + 5 && System.currentTimeMillis() < deadline) {
            Thread.sleep(100);
        }
        assertTrue(openDescriptors(pid) <= before + 5, "descriptors: " + before + " before, "
                + openDescriptors(pid) + " after 2000 connections");
        long rssKb = Long.parseLong(Files.readAllLines(Path.of("/proc", Long.toString(pid), "status")).stream()
                .filter(l -> l.startsWith("VmRSS:")).findFirst().orElseThrow().replaceAll("\\D", ""));
        assertTrue(rssKb < 600 * 1024, "memory stays bounded (-Xmx256m): RSS " + rssKb + " KB");
        theDatabaseHoldsOnlyTheGoodTransactionsAndTheRecordingReplaysToIt();
    }

    @Test
    void aClientThatConnectsAndSaysNothingCostsOthersNothing() throws Exception {
        // While recording (or replaying) sessions send no time-based probes, so a silent client stays connected
        // until it goes; live, it is probed after 5 s and dropped after 10 s (JsonRpcSessionTest).
        try (RawClient silent = RawClient.connect(socket)) {
            for (int i = 0; i < 5; i++) {
                goodClientIsServed();
            }
            assertFalse(silent.awaitClose(500), "a silent client is not dropped while recording");
        }
        inputsTried++;
        goodClientIsServed();
        theDatabaseHoldsOnlyTheGoodTransactionsAndTheRecordingReplaysToIt();
    }

    /**
     * The end of every case: the database holds only the well-behaved client's transactions, and the recording of
     * the case, hostile connections included, is intact and replays to the same database.
     */
    private void theDatabaseHoldsOnlyTheGoodTransactionsAndTheRecordingReplaysToIt() throws Exception {
        JsonNode rows = good.call("transact", "kvdb", Json.parse("{\"op\":\"select\",\"table\":\"kv\",\"where\":[]}"));
        assertEquals(goodTransactions, rows.get(0).get("rows").size(), rows.toString());
        server.requestExit(dir.resolve("ctl"));
        assertEquals(0, server.waitFor(30), server.consoleText());
        List<JsonNode> recorded = DatabaseFile.recordsWithoutDates(dir.resolve("kv.db"));
        try (RecordingReader reader = RecordingReader.open(dir.resolve("recording"))) {
            while (reader.next() != null) {
                // every event, to check the numbering and the manifest
            }
            assertEquals(List.of(), reader.problems(), "the recording is intact");
        }
        ServerProcess.restoreDatabase(dir);
        int status = ServerProcess.run(dir, dir.resolve("replay.out"), List.of("kv.db", "--remote=punix:" + socket,
                "--control=" + dir.resolve("ctl"), "--replay=recording"), 120);
        assertEquals(0, status, Files.readString(dir.resolve("replay.out")));
        assertEquals(recorded, DatabaseFile.recordsWithoutDates(dir.resolve("kv.db")),
                "the replay of every hostile connection leaves the same database");
    }

    private static int openDescriptors(long pid) throws IOException {
        try (var fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            return (int) fds.count();
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String preview(byte[] input) {
        String text = new String(input, 0, Math.min(input.length, 40), StandardCharsets.UTF_8);
        return input.length > 40 ? text + "... (" + input.length + " bytes)" : text;
    }

    /** A client that writes raw bytes to the server's Unix socket, for input no JSON-RPC library would send. */
    private static final class RawClient implements AutoCloseable {
        private final SocketChannel channel;

        private RawClient(SocketChannel channel) {
            this.channel = channel;
        }

        static RawClient connect(Path socket) throws IOException {
            SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
            channel.connect(UnixDomainSocketAddress.of(socket));
            return new RawClient(channel);
        }

        void send(byte[] bytes) throws IOException {
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
        }

        /** Sends {@code bytes}; false if the server closed the connection meanwhile. */
        boolean trySend(byte[] bytes) {
            try {
                send(bytes);
                return true;
            } catch (IOException e) {
                return false;
            }
        }

        /** Reads (and discards) until the server closes the connection; false if it did not within the time. */
        boolean awaitClose(long timeoutMillis) throws IOException {
            return readUntil(timeoutMillis, null) == null;
        }

        private String readUntil(long timeoutMillis, String end) throws IOException {
            long deadline = System.currentTimeMillis() + timeoutMillis;
            channel.configureBlocking(false);
            ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
            StringBuilder text = new StringBuilder();
            while (System.currentTimeMillis() < deadline) {
                buffer.clear();
                int n;
                try {
                    n = channel.read(buffer);
                } catch (IOException e) {
                    return null;
                }
                if (n < 0) {
                    return null;
                }
                if (end != null && n > 0) {
                    text.append(new String(buffer.array(), 0, n, StandardCharsets.UTF_8));
                    if (text.indexOf(end) >= 0) {
                        return text.toString();
                    }
                }
                if (n == 0) {
                    try {
                        Thread.sleep(10);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IOException("interrupted", e);
                    }
                }
            }
            return end == null ? "" : "(nothing within " + timeoutMillis + " ms: " + text + ")";
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }
}
