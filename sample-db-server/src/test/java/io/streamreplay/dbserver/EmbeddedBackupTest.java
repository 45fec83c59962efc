package io.streamreplay.dbserver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.streamreplay.dbserver.testing.KvDatabase;
import io.streamreplay.dbserver.testing.OvsdbTestClient;
import io.streamreplay.stream.TlsConfig;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server embedded in a longer-lived JVM leaves nothing behind when it exits: a backup's session to its active
 * server is closed, and the active sees the backup go, as it sees an ovsdb-server backup go when that one exits.
 */
class EmbeddedBackupTest {

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void anEmbeddedBackupThatExitsClosesItsConnectionToTheActive() throws Exception {
        Files.writeString(dir.resolve("kv.ovsschema"), KvDatabase.SCHEMA);
        String db = dir.resolve("kv.db").toString();
        assertEquals(0, run("create", db, dir.resolve("kv.ovsschema").toString()));
        Path control = dir.resolve("ctl");
        ExecutorService embedding = Executors.newSingleThreadExecutor();
        // The active, as far as this test needs one: it takes the backup's connection and reads its first request.
        try (ServerSocket active = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            active.setSoTimeout(30_000);
            Future<Integer> server = embedding.submit(() -> run(db, "--remote=punix:" + dir.resolve("db.sock"),
                    "--control=" + control, "--sync-from=tcp:127.0.0.1:" + active.getLocalPort()));
            try (Socket backup = active.accept()) {
                backup.setSoTimeout(30_000);
                InputStream in = backup.getInputStream();
                String request = readUntil(in, "get_server_id");
                try (OvsdbTestClient client = OvsdbTestClient.connect("unix:" + control, TlsConfig.none())) {
                    client.request("exit");
                }
                assertEquals(0, server.get(30, TimeUnit.SECONDS), "the embedded server's exit status");
                backup.setSoTimeout(10_000);
                try {
                    assertEquals(-1, in.read(), "after " + request + ", the backup sends nothing more but its end");
                } catch (SocketTimeoutException e) {
                    fail("the embedded server exited, and its session to the active is still open");
                }
            }
        } finally {
            embedding.shutdownNow();
            assertTrue(embedding.awaitTermination(30, TimeUnit.SECONDS), "the embedded server stopped");
        }
    }

    private static int run(String... args) {
        return SampleDbServer.commandLine(args).execute(args);
    }

    /** Reads from {@code in} until what was read holds {@code text}; returns what was read. */
    private static String readUntil(InputStream in, String text) throws IOException {
        StringBuilder read = new StringBuilder();
        byte[] buffer = new byte[4096];
        while (!read.toString().contains(text)) {
            int n = in.read(buffer);
            if (n < 0) {
                throw new IOException("the backup closed the connection before sending " + text + ": " + read);
            }
            read.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
        }
        return read.toString();
    }
}
