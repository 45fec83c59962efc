package io.streamreplay.dbserver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.LongNode;
import io.streamreplay.dbserver.testing.KvDatabase;
import io.streamreplay.dbserver.testing.OvsdbTestClient;
import io.streamreplay.dbserver.testing.ServerProcess;
import io.streamreplay.jsonrpc.Json;
import io.streamreplay.jsonrpc.JsonRpcConnection;
import io.streamreplay.jsonrpc.Limits;
import io.streamreplay.jsonrpc.Message;
import io.streamreplay.poll.PollLoop;
import io.streamreplay.stream.PassiveStream;
import io.streamreplay.stream.Stream;
import io.streamreplay.stream.TlsConfig;
import io.streamreplay.stream.TransportRegistry;
import io.streamreplay.testing.TestCertificates;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Starting the server: clear failures, active remotes that reconnect, and the control socket's own commands. */
class StartupIT {

    @TempDir
    Path dir;

    @BeforeEach
    void createDatabase() throws Exception {
        ServerProcess.createDatabase(dir, KvDatabase.SCHEMA);
    }

    private int run(String... args) throws Exception {
        return ServerProcess.run(dir, dir.resolve("out"), List.of(args), 30);
    }

    private String output() throws Exception {
        return Files.readString(dir.resolve("out"));
    }

    @Test
    void problemsAtStartUpGiveOneClearLineAndStatusOne() throws Exception {
        assertEquals(1, run("missing.db"));
        assertTrue(output().contains("missing.db: no such file"), output());

        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            assertEquals(1, run("kv.db", "--remote=ptcp:" + taken.getLocalPort() + ":127.0.0.1"));
            assertTrue(output().contains("Address already in use") && output().contains("no remote could be"
                    + " opened"), output());
        }

        Files.writeString(dir.resolve("bad.ovsschema"), "{\"name\":\"x\",\"tables\":{\"t\":{\"columns\":"
                + "{\"_c\":{\"type\":\"integer\"}}}}}");
        assertEquals(1, run("create", "bad.db", "bad.ovsschema"));
        assertTrue(output().contains("names beginning with \"_\" are reserved"), output());
        assertEquals(1, run("create", "kv.db", "kv.ovsschema"));
        assertTrue(output().contains("the file exists"), output());

        assertEquals(2, run("kv.db", "--private-key=key.pem"));
        assertTrue(output().contains("TLS needs all three"), output());

        Files.writeString(dir.resolve("broken.ovsschema"), "{\"name\":\"x\",\n\"tables\":{,}}");
        assertEquals(1, run("create", "broken.db", "broken.ovsschema"));
        assertEquals("sample-db-server: broken.ovsschema: not valid JSON at line 2, column 11: Unexpected character"
                + " (',' (code 44)): was expecting double-quote to start field name\n", output());
    }

    @Test
    void aBadCommandLineIsRefusedAtStartInOneLineWithStatusTwo() throws Exception {
        assertEquals(2, run("kv.db", "--remote=bogus:xyz"));
        assertTrue(output().endsWith("|ERROR|SampleDbServer|--remote=bogus:xyz: unknown stream type 'bogus' (known:"
                + " tcp, unix, ssl, and ptcp, punix, pssl to listen)\n"), output());
        assertEquals(2, run("kv.db", "--remote=ptcp:99999"));
        assertTrue(output().contains("--remote=ptcp:99999: '99999' is not a port number (0 to 65535)"), output());
        assertEquals(2, run("--log-level=info"));
        assertTrue(output().contains("no database file given"), output());
        assertEquals(2, run("kv.db", "--sync-from=bogus:xyz"));
        assertTrue(output().contains("|ERROR|SampleDbServer|--sync-from=bogus:xyz: unknown stream type 'bogus'"),
                output());
        assertEquals(2, run("kv.db", "--sync-from=punix:active.sock"));
        assertTrue(output().endsWith("--sync-from=punix:active.sock: the active server must be a name to connect to"
                + " (tcp:, ssl:, unix:), not to listen on\n"), output());
    }

    @Test
    void aLogFileOrPidFileInAMissingDirectoryIsNamedAndNothingIsCreated() throws Exception {
        Path missing = dir.resolve("no-such-dir");
        assertEquals(1, run("kv.db", "--log-file=" + missing.resolve("server.log")));
        assertTrue(output().contains("--log-file=" + missing.resolve("server.log") + ": directory " + missing
                + " does not exist"), output());
        assertEquals(1, run("kv.db", "--pidfile=" + missing.resolve("server.pid")));
        assertTrue(output().contains("--pidfile=" + missing.resolve("server.pid") + ": directory " + missing
                + " does not exist"), output());
        assertFalse(Files.exists(missing), "neither option creates the directory");
    }

    @Test
    void aServerTakesItsTlsIdentityFromAPkcs12KeystoreWithItsPasswordInAFile() throws Exception {
        TestCertificates.Pkcs12Files p12 = TestCertificates.get().pkcs12Files("server");
        Files.writeString(dir.resolve("wrong.password"), "not-the-password\n");
        assertEquals(1, run("kv.db", "--remote=pssl:0:127.0.0.1", "--keystore=" + p12.keystore(),
                "--keystore-password-file=" + dir.resolve("wrong.password"), "--ca-cert=" + p12.ca()));
        assertTrue(output().contains("|ERROR|SampleDbServer|TLS: invalid TLS configuration: cannot read keystore "
                + p12.keystore() + ": keystore password was incorrect") || output().contains(
                        "cannot read keystore "
                                + p12.keystore() + ": keystore password was incorrect"),
                output());
        assertEquals(2, run("kv.db", "--keystore=" + p12.keystore(), "--private-key=key.pem", "--ca-cert="
                + p12.ca()));
        assertTrue(output().contains("--keystore replaces --private-key and --certificate; give either"), output());

        try (ServerProcess server = ServerProcess.start(dir, dir.resolve("server.out"), List.of("kv.db",
                "--remote=pssl:0:127.0.0.1", "--control=" + dir.resolve("ctl"), "--keystore=" + p12.keystore(),
                "--keystore-password-file=" + p12.passwordFile(), "--ca-cert=" + p12.ca()))) {
            String port = server.awaitLine("pssl:(\\d+):127.0.0.1: listening").group(1);
            server.awaitLine("serving");
            try (OvsdbTestClient client = OvsdbTestClient.connect("ssl:127.0.0.1:" + port,
                    TestCertificates.get().clientPem())) {
                assertEquals("[\"kvdb\",\"_Server\"]", client.call("list_dbs").toString(), "in ovsdb-server's order");
            }
            server.requestExit(dir.resolve("ctl"));
            assertEquals(0, server.waitFor(30));
        }
    }

    @Test
    void aPrivateKeyThatIsNotTheCertificatesIsRefusedAtStart() throws Exception {
        TestCertificates.PemFiles server = TestCertificates.get().pemFiles("server");
        TestCertificates.PemFiles client = TestCertificates.get().pemFiles("client");
        assertEquals(1, run("kv.db", "--remote=pssl:0:127.0.0.1", "--private-key=" + client.key(),
                "--certificate=" + server.certificate(), "--ca-cert=" + server.ca()));
        assertTrue(output().contains("|ERROR|SampleDbServer|" + client.key() + " is not the key of the certificate in "
                + server.certificate() + " ('CN=server'): it belongs to another certificate\n"), output());
        assertFalse(output().contains("listening"), "refused before listening:\n" + output());
    }

    @Test
    void aSecondProcessCannotRecordIntoADirectoryAnotherRecordsInto() throws Exception {
        Files.copy(dir.resolve("kv.db"), dir.resolve("other.db"));
        try (ServerProcess first = ServerProcess.start(dir, dir.resolve("first.out"), List.of("kv.db",
                "--remote=punix:" + dir.resolve("a.sock"), "--control=" + dir.resolve("a.ctl"),
                "--replay-record=recording"))) {
            first.awaitLine("serving");
            assertEquals(1, run("other.db", "--remote=punix:" + dir.resolve("b.sock"), "--control="
                    + dir.resolve("b.ctl"), "--replay-record=recording"));
            assertTrue(output().contains("recording: another process is recording into this directory"), output());
            assertTrue(first.process().isAlive(), "the first recorder is undisturbed");
        }
    }

    @Test
    @SuppressWarnings("try") // the resource is held open for the duration, not used
    void anActiveRemoteConnectsOutAndReconnects() throws Exception {
        PollLoop loop = PollLoop.live();
        TransportRegistry streams = TransportRegistry.standard(TlsConfig.none());
        try (PassiveStream listener = streams.listen("punix:" + dir.resolve("manager.sock"));
                ServerProcess server = ServerProcess.start(dir, dir.resolve("server.out"), List.of("kv.db",
                        "--remote=unix:" + dir.resolve("manager.sock"), "--control=" + dir.resolve("ctl")))) {
            for (int connection = 0; connection < 2; connection++) {
                try (JsonRpcConnection rpc = new JsonRpcConnection(accept(loop, listener), Limits.DEFAULT)) {
                    Message reply = rpc.transactBlocking(loop, Message.request("list_dbs", Json.array(),
                            LongNode.valueOf(1)), 10_000);
                    // In ovsdb-server's order (its hash table's).
                    assertEquals("[\"kvdb\",\"_Server\"]", reply.result().toString());
                }
            }
        }
        loop.close();
    }

    private static Stream accept(PollLoop loop, PassiveStream listener) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            Stream stream = listener.accept();
            if (stream != null) {
                return stream;
            }
            listener.waitAccept(loop, "test");
            loop.waitMillis(100, "test");
            loop.block();
        }
        throw new AssertionError("the server never connected");
    }

    @Test
    void theControlSocketReportsStatsAndChangesLogLevels() throws Exception {
        try (ServerProcess server = ServerProcess.start(dir, dir.resolve("server.out"), List.of("kv.db",
                "--remote=punix:" + dir.resolve("db.sock"), "--control=" + dir.resolve("ctl")))) {
            server.awaitLine("serving");
            try (OvsdbTestClient client = OvsdbTestClient.connect("unix:" + dir.resolve("db.sock"),
                    TlsConfig.none()); OvsdbTestClient control =
                            OvsdbTestClient.connect("unix:" + dir.resolve("ctl"),
                                    TlsConfig.none())) {
                client.call("transact", "kvdb", Json.parse("{\"op\":\"insert\",\"table\":\"kv\",\"row\":{}}"));
                client.call("monitor", "kvdb", null, Json.parse("{\"kv\":{}}"));
                JsonNode stats = Json.parse(control.call("stats").asText());
                assertEquals(1, stats.get("transactions").asInt(), stats.toString());
                assertEquals(1, stats.get("monitors").asInt(), stats.toString());
                assertEquals(2, stats.get("requests").asInt(), stats.toString());
                assertTrue(stats.get("bytes_in").asLong() > 0 && stats.get("bytes_out").asLong() > 0);
                assertFalse(stats.has("recording"), "a server that does not record says nothing of recording");
                assertEquals("", control.call("log-level", "io.streamreplay", "debug").asText());
                assertTrue(control.call("log-level").asText().contains("io.streamreplay DEBUG"));
                assertEquals("unknown log level \"loud\" (use TRACE, DEBUG, INFO, WARN, ERROR or OFF)\n",
                        control.request("log-level", "loud").error().asText());
                assertEquals("no database by that name\n", control.request("compact", "nope").error().asText());
                assertEquals("", control.call("exit").asText());
            }
            assertEquals(0, server.waitFor(30));
        }
    }
}
