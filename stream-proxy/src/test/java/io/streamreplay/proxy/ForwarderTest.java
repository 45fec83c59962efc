package io.streamreplay.proxy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamreplay.poll.PollLoop;
import io.streamreplay.stream.TlsConfig;
import io.streamreplay.stream.TransportRegistry;
import io.streamreplay.testing.Await;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The forwarder over real loopback TCP, with plain sockets for the client and the upstream: what each end does
 * (a half-close, a reset, a refused connection) reaches the other end as it happened.
 */
class ForwarderTest {

    private ServerSocket upstream;
    private ProxyStats stats;
    private Forwarder forwarder;
    private PollLoop loop;
    private Thread thread;
    private final AtomicBoolean stop = new AtomicBoolean();
    private int port;

    @BeforeEach
    void start() throws Exception {
        upstream = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        startProxy("tcp:127.0.0.1:" + upstream.getLocalPort());
    }

    private void startProxy(String target) throws Exception {
        loop = PollLoop.live();
        stats = new ProxyStats(target, Protocol.LINES, 4096, 16);
        Scope scope = stats.addListener("ptcp:0:127.0.0.1");
        forwarder = new Forwarder(loop, TransportRegistry.standard(TlsConfig.none()), target, Protocol.LINES, 4096,
                16, stats);
        forwarder.listen("ptcp:0:127.0.0.1", scope);
        port = Integer.parseInt(stats.json().get("listeners").get("ptcp:0:127.0.0.1").get("bound").asText()
                .split(":")[1]);
        thread = new Thread(() -> {
            while (!stop.get()) {
                forwarder.run();
                forwarder.waitAll();
                loop.waitMillis(100, "test");
                loop.block();
            }
            forwarder.close();
        }, "proxy-loop");
        thread.start();
    }

    @AfterEach
    void stopProxy() throws Exception {
        stop.set(true);
        loop.wakeup();
        thread.join(10_000);
        loop.close();
        upstream.close();
    }

    private Socket client() throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5000);
        socket.setSoTimeout(10_000);
        return socket;
    }

    @Test
    void aHalfCloseTravelsBothWaysAndTheReplyAfterItArrives() throws Exception {
        try (Socket client = client(); Socket server = accept()) {
            client.getOutputStream().write("REQ 1 data\nREQ 2\n".getBytes(StandardCharsets.US_ASCII));
            client.shutdownOutput();
            assertEquals("REQ 1 data\nREQ 2\n", readAll(server.getInputStream()), "the request, then EOF");
            server.getOutputStream().write("ACK 1\nNAK 2\n".getBytes(StandardCharsets.US_ASCII));
            server.shutdownOutput();
            assertEquals("ACK 1\nNAK 2\n", readAll(client.getInputStream()), "the reply after the half-close");
        }
        Await.until(() -> stats.upstream().traffic().active.get() == 0, 10_000, "the connection ends");
        Traffic traffic = stats.listeners().get(0).traffic();
        assertEquals(2, traffic.messages(Direction.UPSTREAM).get("REQ").get());
        assertEquals(1, traffic.messages(Direction.DOWNSTREAM).get("ACK").get());
        assertEquals(1, traffic.messages(Direction.DOWNSTREAM).get("NAK").get());
        assertEquals(17, traffic.bytesUpstream.get());
        assertEquals(12, traffic.bytesDownstream.get());
        assertEquals(0, traffic.errors.get());
    }

    @Test
    @SuppressWarnings("try") // closed early on purpose: the reset is what is tested
    void anUpstreamResetReachesTheClientAsAReset() throws Exception {
        try (Socket client = client(); Socket server = accept()) {
            client.getOutputStream().write("REQ 1\n".getBytes(StandardCharsets.US_ASCII));
            server.getInputStream().readNBytes(6);
            server.setSoLinger(true, 0);
            server.close();
            assertThrows(SocketException.class, () -> readAll(client.getInputStream()));
        }
        Await.until(() -> stats.upstream().traffic().errors.get() == 1, 10_000, "the reset is counted");
    }

    @Test
    @SuppressWarnings("try") // closed early on purpose: the reset is what is tested
    void aClientResetReachesTheUpstreamAsAReset() throws Exception {
        try (Socket client = client(); Socket server = accept()) {
            client.getOutputStream().write("REQ 1\n".getBytes(StandardCharsets.US_ASCII));
            server.getInputStream().readNBytes(6);
            client.setSoLinger(true, 0);
            client.close();
            assertThrows(SocketException.class, () -> readAll(server.getInputStream()));
        }
    }

    @Test
    void anUpstreamThatRefusesIsAResetForTheClientAndAConnectError() throws Exception {
        upstream.close();
        // The reset can reach the client while its connect is still being completed, or at its first read.
        assertThrows(SocketException.class, () -> {
            try (Socket client = client()) {
                readAll(client.getInputStream());
            }
        });
        Await.until(() -> stats.upstream().traffic().connectErrors.get() == 1, 10_000, "counted");
        assertEquals(1, stats.listeners().get(0).traffic().connectErrors.get());
    }

    @Test
    void aLargeTransferArrivesIntactThroughSmallBuffers() throws Exception {
        byte[] data = new byte[4 << 20];
        new java.util.Random(1).nextBytes(data);
        try (Socket client = client(); Socket server = accept()) {
            Thread writer = new Thread(() -> {
                try {
                    server.getOutputStream().write(data);
                    server.shutdownOutput();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            writer.start();
            byte[] received = client.getInputStream().readAllBytes();
            writer.join(10_000);
            assertArrayEquals(data, received);
            assertTrue(stats.bufferedBytes() <= stats.bufferLimitBytes());
        }
    }

    private Socket accept() throws IOException {
        upstream.setSoTimeout(10_000);
        Socket socket = upstream.accept();
        socket.setSoTimeout(10_000);
        return socket;
    }

    private static String readAll(InputStream in) throws IOException {
        return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
    }
}
