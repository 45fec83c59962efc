package io.streamreplay.dbserver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamreplay.dbserver.storage.DatabaseFile;
import io.streamreplay.dbserver.testing.KvDatabase;
import io.streamreplay.dbserver.testing.OvsdbTestClient;
import io.streamreplay.dbserver.testing.ServerProcess;
import io.streamreplay.jsonrpc.Json;
import io.streamreplay.stream.TlsConfig;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * 1,500 idle connections to a recording server with a small heap (64 MiB, so 64 MiB of direct memory): the
 * recording's buffers are shared and bounded, so the server records them all and serves on, and its replay, on the
 * same heap, opens every stream's file and ends as the recorded run did. (Each recorded stream used to hold 64 KiB
 * of direct memory, and each replayed one 64 KiB of heap: 1,024 such connections were the end of both.)
 */
class IdleConnectionsIT {

    private static final int CONNECTIONS = 1500;

    @TempDir
    Path dir;

    @Test
    void aRecordingServerWithASmallHeapHoldsManyIdleConnectionsAndItsReplayToo() throws Exception {
        ServerProcess.createDatabase(dir, KvDatabase.SCHEMA);
        List<String> args = List.of("kv.db", "--remote=punix:" + dir.resolve("db.sock"),
                "--control=" + dir.resolve("ctl"));
        List<String> record = new ArrayList<>(args);
        record.add("--replay-record=recording");
        List<SocketChannel> idle = new ArrayList<>();
        try (ServerProcess server = ServerProcess.start(dir, dir.resolve("record.out"), List.of("-Xmx64m"),
                record)) {
            server.awaitLine("serving \\[");
            try {
                for (int i = 0; i < CONNECTIONS; i++) {
                    idle.add(connect(dir.resolve("db.sock")));
                }
                // Connections are accepted in order: once this one is served, every idle one has been accepted.
                try (OvsdbTestClient client = connectClient(dir.resolve("db.sock"))) {
                    JsonNode result = client.call("transact", "kvdb", Json.parse("{\"op\":\"insert\",\"table\":"
                            + "\"kv\",\"row\":{\"name\":\"after the idle ones\"}}"));
                    assertEquals(1, result.size(), result.toString());
                }
                assertEquals(CONNECTIONS + 1, server.consoleText().lines().filter(l -> l.contains(": new connection"
                        + " on punix:")).count(), "every connection was accepted and recorded");
                server.requestExit(dir.resolve("ctl"));
                assertEquals(0, server.waitFor(60), server.consoleText());
            } finally {
                for (SocketChannel channel : idle) {
                    channel.close();
                }
            }
        }
        assertTrue(Files.readString(dir.resolve("recording").resolve("manifest.json")).contains("\"complete\""));
        List<JsonNode> recorded = DatabaseFile.recordsWithoutDates(dir.resolve("kv.db"));

        ServerProcess.restoreDatabase(dir);
        List<String> replay = new ArrayList<>(args);
        replay.add("--replay=recording");
        int status;
        try (ServerProcess replayed = ServerProcess.start(dir, dir.resolve("replay.out"), List.of("-Xmx64m"),
                replay)) {
            status = replayed.waitFor(120);
        }
        assertEquals(0, status, Files.readString(dir.resolve("replay.out")));
        assertEquals(recorded, DatabaseFile.recordsWithoutDates(dir.resolve("kv.db")));
    }

    /** An OVSDB client of {@code socket}, waiting as {@link #connect} does while the listen queue is full. */
    private static OvsdbTestClient connectClient(Path socket) throws Exception {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try {
                return OvsdbTestClient.connect("unix:" + socket, TlsConfig.none());
            } catch (java.io.IOException e) {
                if (System.nanoTime() > deadline || !String.valueOf(e.getMessage()).contains("temporarily")) {
                    throw e;
                }
                Thread.sleep(10);
            }
        }
    }

    /**
     * Connects to {@code socket}, waiting while its listen queue is full (a Unix socket's connect then fails with
     * EAGAIN rather than blocking), for at most 30 s.
     */
    static SocketChannel connect(Path socket) throws Exception {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
        while (true) {
            SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
            try {
                channel.connect(UnixDomainSocketAddress.of(socket));
                return channel;
            } catch (java.io.IOException e) {
                channel.close();
                if (System.nanoTime() > deadline || !String.valueOf(e.getMessage()).contains("temporarily")) {
                    throw e;
                }
                Thread.sleep(10);
            }
        }
    }
}
