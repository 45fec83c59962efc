package io.streamreplay.dbserver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamreplay.dbserver.storage.DatabaseFile;
import io.streamreplay.dbserver.testing.KvDatabase;
import io.streamreplay.dbserver.testing.OvsdbTestClient;
import io.streamreplay.dbserver.testing.ServerProcess;
import io.streamreplay.jsonrpc.Json;
import io.streamreplay.replay.RecordType;
import io.streamreplay.replay.RecordedEvent;
import io.streamreplay.replay.RecordingReader;
import io.streamreplay.stream.TlsConfig;
import io.streamreplay.testing.LogLines;
import io.streamreplay.testing.TestCertificates;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS peers that stall or are not who they should be, against a recording server process: a handshake that does
 * not complete goes after 10 s, whatever the peer sent, while everyone else is served; a refused certificate is
 * logged at WARN in plain words; and the recording holds each timeout as its stream's result, so the replay
 * reproduces the same drops, log and database without any timer.
 */
class TlsHandshakeIT {

    private static final int STALLED = 100;
    /** The start of a TLS ClientHello record that announces more bytes than it sends. */
    private static final byte[] HALF_A_HELLO = {0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, (byte) 0xfc, 0x03,
            0x03};

    @TempDir
    Path dir;

    @TempDir
    Path laptop;

    @Test
    void stalledHandshakesGoAfterTenSecondsAndTheReplayReproducesItWithoutTimers() throws Exception {
        ServerProcess.createDatabase(dir, KvDatabase.SCHEMA);
        TestCertificates.PemFiles pem = TestCertificates.get().pemFiles("server");
        List<String> args = List.of("kv.db", "--remote=pssl:0:127.0.0.1", "--remote=punix:" + dir.resolve("db.sock"),
                "--control=" + dir.resolve("ctl"), "--log-file=server.log", "--private-key=" + pem.key(),
                "--certificate=" + pem.certificate(), "--ca-cert=" + pem.ca(), "--replay-record=recording");
        long stalledFor;
        try (ServerProcess server = ServerProcess.start(dir, dir.resolve("record.out"), args)) {
            int port = Integer.parseInt(server.awaitLine("pssl:(\\d+):127.0.0.1: listening").group(1));
            server.awaitLine("serving");
            List<Socket> stalled = new ArrayList<>();
            long start = System.nanoTime();
            try {
                for (int i = 0; i < STALLED; i++) {
                    Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
                    if (i % 2 == 1) {
                        OutputStream out = socket.getOutputStream();
                        out.write(HALF_A_HELLO);
                        out.flush();
                    }
                    stalled.add(socket);
                }
                // Everyone else is served meanwhile, over TLS and Unix.
                String ssl = "ssl:127.0.0.1:" + port;
                insert(ssl, TestCertificates.get().clientPem(), "over-tls");
                insert("unix:" + dir.resolve("db.sock"), TlsConfig.none(), "over-unix");
                try (OvsdbTestClient intruder = OvsdbTestClient.connect(ssl, TestCertificates.get().intruder())) {
                    intruder.request("list_dbs");
                } catch (Exception e) {
                    // Refused, as it must be: what the server logs is checked below.
                }
                for (Socket socket : stalled) {
                    awaitClosedByServer(socket, start);
                }
                stalledFor = (System.nanoTime() - start) / 1_000_000;
            } finally {
                for (Socket socket : stalled) {
                    socket.close();
                }
            }
            insert("unix:" + dir.resolve("db.sock"), TlsConfig.none(), "after-the-stall");
            server.requestExit(dir.resolve("ctl"));
            assertEquals(0, server.waitFor(30), server.consoleText());
        }
        assertTrue(stalledFor >= 9_500, "a stalled handshake goes after 10 s, not " + stalledFor + " ms");

        List<String> log = Files.readAllLines(dir.resolve("server.log"));
        assertEquals(STALLED / 2, log.stream().filter(line -> line.matches(".*\\|WARN \\|JsonRpcSession\\|ssl:127"
                + "\\.0\\.0\\.1:\\d+: TLS handshake failed: no TLS handshake within 10\\.0 s \\(the peer sent"
                + " nothing\\)")).count(), String.join("\n", log));
        assertEquals(STALLED / 2, log.stream().filter(line -> line.endsWith("no TLS handshake within 10.0 s (the peer"
                + " sent part of one)")).count(), String.join("\n", log));
        assertTrue(log.stream().anyMatch(line -> line.matches(".*\\|WARN \\|JsonRpcSession\\|ssl:127\\.0\\.0\\.1:\\d+:"
                + " TLS handshake failed: the client sent no certificate signed by the CA in .*ca\\.pem \\('CN=ca'\\),"
                + " which this listener requires \\(it has none, or one from another CA\\)")),
                "the intruder's refusal is a WARN in plain words:\n" + String.join("\n", log));

        long timeouts = 0;
        try (RecordingReader reader = RecordingReader.open(dir.resolve("recording"))) {
            for (RecordedEvent event = reader.next(); event != null; event = reader.next()) {
                if (event.type() == RecordType.CONNECT_ERROR && event.errorText().contains("no TLS handshake within")) {
                    timeouts++;
                }
            }
        }
        assertEquals(STALLED, timeouts, "each timeout is recorded as its stream's result");

        Files.move(dir.resolve("server.log"), dir.resolve("recorded.log"));
        ServerProcess.copyRecording(dir, laptop);
        long start = System.nanoTime();
        int status = ServerProcess.run(laptop, laptop.resolve("replay.out"), List.of("--replay=recording"), 60);
        long replayMillis = (System.nanoTime() - start) / 1_000_000;
        assertEquals(0, status, Files.readString(laptop.resolve("replay.out")));
        assertEquals(DatabaseFile.recordsWithoutDates(dir.resolve("kv.db")),
                DatabaseFile.recordsWithoutDates(laptop.resolve("kv.db")));
        assertEquals(LogLines.withoutTimestamps(dir.resolve("recorded.log")),
                LogLines.withoutTimestamps(laptop.resolve("server.log")),
                "the replay drops the same connections, logging the same lines");
        System.out.printf("stalled handshakes: %d dropped after %d ms live; the replay took %d ms in all%n", STALLED,
                stalledFor, replayMillis);
    }

    /** Waits until the server closes {@code socket}, at most 30 s after {@code start}. */
    private static void awaitClosedByServer(Socket socket, long start) throws Exception {
        InputStream in = socket.getInputStream();
        while (true) {
            long left = TimeUnit.SECONDS.toMillis(30) - (System.nanoTime() - start) / 1_000_000;
            if (left <= 0) {
                throw new AssertionError("the server never closed a stalled connection");
            }
            socket.setSoTimeout((int) left);
            try {
                if (in.read() < 0) {
                    return;
                }
            } catch (SocketTimeoutException e) {
                throw new AssertionError("the server never closed a stalled connection", e);
            } catch (SocketException e) {
                return; // reset by the server: closed too
            }
        }
    }

    private static void insert(String remote, TlsConfig tls, String name) throws Exception {
        try (OvsdbTestClient client = OvsdbTestClient.connect(remote, tls)) {
            client.call("transact", "kvdb", Json.parse("{\"op\":\"insert\",\"table\":\"kv\",\"row\":{\"name\":\""
                    + name + "\",\"value\":1}}"));
        }
    }

}
