package io.streamreplay.jsonrpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.LongNode;
import io.streamreplay.poll.PollLoop;
import io.streamreplay.stream.PassiveStream;
import io.streamreplay.stream.Stream;
import io.streamreplay.stream.StreamProvider;
import io.streamreplay.stream.TlsConfig;
import io.streamreplay.stream.TransportRegistry;
import io.streamreplay.testing.LoopDriver;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Sessions over real TCP: reconnection, automatic echo, inactivity probes. */
class JsonRpcSessionTest {

    private final StreamProvider streams = TransportRegistry.standard(TlsConfig.none());

    private static int freePort() throws IOException {
        try (ServerSocketChannel probe = ServerSocketChannel.open()) {
            probe.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return ((InetSocketAddress) probe.getLocalAddress()).getPort();
        }
    }

    @Test
    void aClientSessionKeepsReconnectingUntilTheServerAppears() throws Exception {
        int port = freePort();
        try (PollLoop loop = PollLoop.live()) {
            JsonRpcSession session = JsonRpcSession.connect(loop, streams, "tcp:127.0.0.1:" + port, Limits.DEFAULT,
                    0);
            LoopDriver.runUntil(loop, () -> session.lastError() != null, () -> {
                session.run();
                session.waitAll(loop, "session");
            }, 10_000);
            assertFalse(session.isConnected());
            assertTrue(session.isAlive(), "an active session stays alive to reconnect");

            PassiveStream listener = streams.listen("ptcp:" + port + ":127.0.0.1");
            LoopDriver.runUntil(loop, session::isConnected, () -> {
                session.run();
                session.waitAll(loop, "session");
            }, 10_000);
            assertEquals(1, session.connections());
            session.close();
            listener.close();
        }
    }

    @Test
    void echoRequestsAreAnsweredBySessionsAndNeverReachTheApplication() throws Exception {
        try (PollLoop loop = PollLoop.live()) {
            List<Message> seen = new ArrayList<>();
            JsonRpcServer server = new JsonRpcServer(loop, streams, Limits.DEFAULT, 0, (s, m) -> seen.add(m));
            String port = server.listen("ptcp:0:127.0.0.1").name().split(":")[1];
            Thread serving = new Thread(() -> LoopDriver.runUntil(loop, () -> seen.size() == 1, () -> {
                server.run();
                server.waitAll("server");
            }, 20_000));
            serving.start();

            PollLoop clientLoop = PollLoop.live();
            try (JsonRpcConnection client = new JsonRpcConnection(
                    streams.openBlocking(clientLoop, "tcp:127.0.0.1:" + port, 10_000), Limits.DEFAULT)) {
                Message reply = client.transactBlocking(clientLoop,
                        Message.request("echo", Json.array("ping", 7), LongNode.valueOf(1)), 10_000);
                assertEquals("{\"id\":1,\"result\":[\"ping\",7],\"error\":null}", reply.toString());
                client.send(Message.notification("done", Json.array()));
                client.run();
                serving.join(20_000);
            }
            clientLoop.close();
            assertEquals(1, seen.size(), "only the application's own message reached the handler");
            assertEquals("done", seen.get(0).method());
            server.close();
        }
    }

    @Test
    void aSilentPeerIsProbedAndThenDropped() throws Exception {
        try (PollLoop loop = PollLoop.live()) {
            List<JsonRpcSession> dropped = new ArrayList<>();
            JsonRpcServer server = new JsonRpcServer(loop, streams, Limits.DEFAULT, 200, new JsonRpcServer.Handler() {
                @Override
                public void handle(JsonRpcSession session, Message message) {
                }

                @Override
                public void disconnected(JsonRpcSession session) {
                    dropped.add(session);
                }
            });
            String port = server.listen("ptcp:0:127.0.0.1").name().split(":")[1];
            Stream silent = streams.openBlocking(loop, "tcp:127.0.0.1:" + port, 10_000);
            LoopDriver.runUntil(loop, () -> !dropped.isEmpty(), () -> {
                server.run();
                server.waitAll("server");
            }, 10_000);
            String reason = dropped.get(0).lastError().getMessage();
            assertTrue(reason.matches("tcp:127\\.0\\.0\\.1:\\d+: inactivity probe timed out"), reason);
            java.nio.ByteBuffer probe = java.nio.ByteBuffer.allocate(256);
            silent.recv(probe);
            assertTrue(
                    new String(probe.array(), 0, probe.position(), StandardCharsets.UTF_8)
                            .contains("\"method\":\"echo\""),
                    "the server sent an echo probe before dropping the peer");
            assertNull(server.sessions().stream().findAny().orElse(null));
            silent.close();
            server.close();
        }
    }
}
