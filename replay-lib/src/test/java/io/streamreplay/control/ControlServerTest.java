package io.streamreplay.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamreplay.jsonrpc.Message;
import io.streamreplay.poll.PollLoop;
import io.streamreplay.replay.ReplayContext;
import io.streamreplay.stream.TlsConfig;
import io.streamreplay.stream.TransportRegistry;
import io.streamreplay.testing.CounterClient;
import io.streamreplay.testing.CounterServer;
import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The control socket speaks Open vSwitch's unixctl protocol, texts included. */
class ControlServerTest {

    @TempDir
    Path tmp;

    private Path socket;
    private CounterServer server;
    private Thread thread;
    private CounterClient client;

    @BeforeEach
    void start() throws Exception {
        socket = tmp.resolve("app.ctl");
        server = new CounterServer(ReplayContext.live(), TransportRegistry.standard(TlsConfig.none()), List.of(),
                socket);
        thread = new Thread(server::runUntilExit, "control-server");
        thread.start();
        client = new CounterClient(TransportRegistry.standard(TlsConfig.none()), PollLoop.live(), "unix:" + socket);
    }

    @AfterEach
    void stop() throws InterruptedException {
        client.close();
        server.stop();
        thread.join(10_000);
    }

    @Test
    void listsItsCommandsSortedAndPadded() throws Exception {
        assertEquals("""
                The available commands are:
                  count
                  exit
                  list-commands
                  stream-faults/clear
                  stream-faults/list
                  stream-faults/set       SPEC
                  version
                """, client.call("list-commands").result().asText());
    }

    @Test
    void versionAndApplicationCommandsReplyWithText() throws Exception {
        assertEquals("counter-server (streamreplay) test\n", client.call("version").result().asText());
        assertEquals("0\n", client.call("count").result().asText());
    }

    @Test
    void errorsUseTheUnixctlTextsEndingWithANewline() throws Exception {
        // Like every reply Open vSwitch's unixctl sends: ovs-appctl prints its own message after it, on its own line.
        Message unknown = client.call("frob");
        assertEquals(Message.Type.ERROR, unknown.type());
        assertEquals("\"frob\" is not a valid command (use \"list-commands\" to see a list of valid commands)\n",
                unknown.error().asText());
        assertEquals("\"version\" command takes at most 0 arguments\n", client.call("version", "x").error()
                .asText());
        assertEquals("\"count\" command takes at most 0 arguments\n", client.call("count", 1).error().asText());
    }

    @Test
    void aMessageOverTheControlLimitCostsOnlyItsSender() throws Exception {
        try (SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            String huge = "{\"id\":1,\"method\":\"version\",\"params\":[\"" + "x".repeat(2 << 20) + "\"]}";
            ByteBuffer out = ByteBuffer.wrap(huge.getBytes(StandardCharsets.UTF_8));
            channel.configureBlocking(false);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            boolean closed = false;
            while (!closed && System.nanoTime() < deadline) {
                try {
                    channel.write(out);
                    closed = channel.read(ByteBuffer.allocate(1)) < 0;
                } catch (IOException e) {
                    closed = true;
                }
                Thread.sleep(1);
            }
            assertTrue(closed, "a 2 MiB control message is refused");
        }
        assertEquals("counter-server (streamreplay) test\n", client.call("version").result().asText());
    }

    @Test
    void exitRepliesThenStopsTheApplication() throws Exception {
        assertEquals("{\"id\":0,\"result\":\"\",\"error\":null}", client.call("exit").toString());
        thread.join(10_000);
        assertFalse(thread.isAlive());
        assertFalse(Files.exists(socket), "the socket file is removed when the server closes");
    }

    @Test
    void theSocketIsOwnerOnly() throws Exception {
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(socket)));
    }
}
