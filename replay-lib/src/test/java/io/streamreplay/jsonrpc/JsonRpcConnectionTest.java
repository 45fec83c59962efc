package io.streamreplay.jsonrpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamreplay.poll.PollLoop;
import io.streamreplay.stream.PassiveStream;
import io.streamreplay.stream.Stream;
import io.streamreplay.stream.TlsConfig;
import io.streamreplay.stream.TransportRegistry;
import io.streamreplay.testing.LoopDriver;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * What a connection says when its peer breaks the protocol, over real loopback TCP: a peer of another protocol is
 * told apart from malformed JSON, and neither message shows the JSON library's internals. Connections on one loop
 * thread share a receive buffer between reads, and never each other's bytes.
 */
class JsonRpcConnectionTest {

    @Test
    void anHttpClientIsToldApartFromMalformedJson() throws Exception {
        assertEquals("the peer does not speak JSON-RPC: it began with 'GET / HTTP/1.1' (an HTTP client)",
                failureAfter("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII)));
        assertEquals("the peer does not speak JSON-RPC: it began with 'SSH-2.0-OpenSSH_9.2' (an SSH client)",
                failureAfter("SSH-2.0-OpenSSH_9.2\r\n".getBytes(StandardCharsets.US_ASCII)));
        assertEquals("the peer does not speak JSON-RPC: it began with bytes 16 03 01 00 05 01 00 00 01 00 (a TLS"
                + " handshake: a TLS client on a port that is not pssl:)",
                failureAfter(new byte[] {0x16, 0x03, 0x01, 0x00, 0x05, 0x01, 0x00, 0x00, 0x01, 0x00}));

        String json = failureAfter("{\"id\":1,\"method\":\"echo\",\"params\":[]} {\"id\":2,,}"
                .getBytes(StandardCharsets.US_ASCII));
        assertTrue(json.startsWith("JSON syntax error at byte "), json);
        String malformed = failureAfter("  {\"id\":,}".getBytes(StandardCharsets.US_ASCII));
        assertTrue(malformed.startsWith("JSON syntax error at byte "), "JSON from the start is JSON: " + malformed);
        assertFalse(json.contains("Source") || json.contains("\n"), json);
    }

    @Test
    void jsonTextThatDoesNotParseIsDescribedByLineAndColumn() {
        Exception e = assertThrows(IOException.class,
                () -> Json.parse("{\"name\":\n"));
        assertEquals("not valid JSON at line 2, column 1: Unexpected end-of-input within/between Object entries",
                e.getMessage());
    }

    @Test
    void connectionsOnOneThreadNeverSeeEachOthersBytes() throws Exception {
        TransportRegistry streams = TransportRegistry.standard(TlsConfig.none());
        try (PollLoop loop = PollLoop.live(); PassiveStream listener = streams.listen("ptcp:0:127.0.0.1")) {
            int port = Integer.parseInt(listener.name().split(":")[1]);
            try (Socket peerA = new Socket(InetAddress.getLoopbackAddress(), port);
                    Socket peerB = new Socket(InetAddress.getLoopbackAddress(), port)) {
                JsonRpcConnection a = accept(loop, listener);
                JsonRpcConnection b = accept(loop, listener);
                // A's two messages arrive in one read: after the first, the second is still in A's buffer...
                send(peerA, "{\"id\":1,\"method\":\"echo\",\"params\":[\"a1\"]}"
                        + "{\"id\":2,\"method\":\"echo\",\"params\":[\"a2-" + "x".repeat(1000) + "\"]}");
                assertEquals("a1", next(loop, a).params().get(0).asText());
                // ...while B reads, and a message of B's split over two reads waits in B's parser.
                send(peerB, "{\"id\":7,\"method\":\"echo\",\"params\":[\"b1-" + "y".repeat(3000));
                AtomicReference<Message> none = new AtomicReference<>();
                LoopDriver.runUntil(loop, () -> b.bufferedBytes() > 3000, () -> {
                    none.compareAndSet(null, b.recv());
                    b.waitRecv(loop, "recv");
                }, 10_000);
                assertEquals(null, none.get(), "B's message is not complete yet");
                assertEquals("a2-" + "x".repeat(1000), next(loop, a).params().get(0).asText());
                send(peerB, "\"]}{\"id\":8,\"method\":\"echo\",\"params\":[\"b2\"]}");
                assertEquals("b1-" + "y".repeat(3000), next(loop, b).params().get(0).asText());
                assertEquals("b2", next(loop, b).params().get(0).asText());
                assertEquals(null, a.error());
                assertEquals(null, b.error());
                a.close();
                b.close();
            }
        }
    }

    private static void send(Socket peer, String text) throws IOException {
        peer.getOutputStream().write(text.getBytes(StandardCharsets.US_ASCII));
        peer.getOutputStream().flush();
    }

    private static JsonRpcConnection accept(PollLoop loop, PassiveStream listener) {
        AtomicReference<JsonRpcConnection> connection = new AtomicReference<>();
        LoopDriver.runUntil(loop, () -> connection.get() != null, () -> {
            try {
                Stream accepted = listener.accept();
                if (accepted != null) {
                    connection.set(new JsonRpcConnection(accepted, Limits.DEFAULT));
                } else {
                    listener.waitAccept(loop, "accept");
                }
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        }, 10_000);
        return connection.get();
    }

    private static Message next(PollLoop loop, JsonRpcConnection connection) {
        AtomicReference<Message> message = new AtomicReference<>();
        LoopDriver.runUntil(loop, () -> message.get() != null || connection.error() != null, () -> {
            message.set(connection.recv());
            if (message.get() == null) {
                connection.waitRecv(loop, "recv");
            }
        }, 10_000);
        assertEquals(null, connection.error());
        return message.get();
    }

    /** Sends {@code bytes} from a plain socket to a JSON-RPC connection; returns its error without the name. */
    private static String failureAfter(byte[] bytes) throws Exception {
        TransportRegistry streams = TransportRegistry.standard(TlsConfig.none());
        try (PollLoop loop = PollLoop.live(); PassiveStream listener = streams.listen("ptcp:0:127.0.0.1")) {
            int port = Integer.parseInt(listener.name().split(":")[1]);
            try (Socket peer = new Socket(InetAddress.getLoopbackAddress(), port)) {
                OutputStream out = peer.getOutputStream();
                out.write(bytes);
                out.flush();
                AtomicReference<JsonRpcConnection> connection = new AtomicReference<>();
                LoopDriver.runUntil(loop, () -> connection.get() != null && connection.get().error() != null, () -> {
                    try {
                        if (connection.get() == null) {
                            Stream accepted = listener.accept();
                            if (accepted != null) {
                                connection.set(new JsonRpcConnection(accepted, Limits.DEFAULT));
                            } else {
                                listener.waitAccept(loop, "accept");
                            }
                        } else {
                            Message message; // the well-formed messages before the damage, if any
                            do {
                                message = connection.get().recv();
                            } while (message != null);
                            connection.get().waitRecv(loop, "recv");
                        }
                    } catch (IOException e) {
                        throw new AssertionError(e);
                    }
                }, 10_000);
                String message = connection.get().error().getMessage();
                connection.get().close();
                return message.substring(message.indexOf(": ") + 2);
            }
        }
    }
}
