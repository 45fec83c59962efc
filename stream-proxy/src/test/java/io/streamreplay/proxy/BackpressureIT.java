package io.streamreplay.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamreplay.jsonrpc.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client that never reads while the upstream streams 100 MB: the proxy holds no more than its buffers (in a
 * 48 MB heap), the upstream's writes stall, and once the client reads, every byte arrives intact.
 */
class BackpressureIT {

    private static final long TOTAL = 100L << 20;
    private static final int BUFFER = 65536;

    @TempDir
    Path dir;

    @Test
    void aClientThatNeverReadsStallsTheUpstreamAndTheProxyHoldsOnlyItsBuffers() throws Exception {
        AtomicLong written = new AtomicLong();
        CRC32 sent = new CRC32();
        try (ServerSocket upstream = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            Thread streamer = new Thread(() -> stream(upstream, written, sent), "upstream");
            streamer.setDaemon(true);
            streamer.start();
            try (ProxyProcess proxy = ProxyProcess.start(dir, "proxy", List.of("-Xmx48m"), List.of(
                    "--listen=ptcp:0:127.0.0.1", "--upstream=tcp:127.0.0.1:" + upstream.getLocalPort(),
                    "--buffer-size=" + BUFFER, "--control=" + dir.resolve("proxy.ctl"), "--http=0"))) {
                int port = proxy.listenerPort("ptcp");
                int http = proxy.httpPort();
                try (Socket client = new Socket()) {
                    client.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5000);
                    client.setSoTimeout(30_000);
                    long stalled = awaitStall(written);
                    long bound = socketBuffersAtMost() + 2L * BUFFER;
                    assertTrue(stalled < bound, "the upstream wrote " + stalled + " bytes to a client that reads"
                            + " nothing: the socket buffers and the proxy's 64 KiB at most (" + bound
                            + "), not 100 MB");
                    JsonNode stats = Json.parse(ProxyProcess.get(http, "/stats").body());
                    assertTrue(stats.get("buffered_bytes").asLong() <= 2L * BUFFER, stats.toString());
                    assertTrue(proxy.process().isAlive(), proxy.console());

                    CRC32 received = new CRC32();
                    long total = 0;
                    byte[] chunk = new byte[1 << 16];
                    InputStream in = client.getInputStream();
                    int n;
                    while ((n = in.read(chunk)) > 0) {
                        received.update(chunk, 0, n);
                        total += n;
                    }
                    assertEquals(TOTAL, total, "every byte arrives once the client reads");
                    streamer.join(30_000);
                    assertEquals(sent.getValue(), received.getValue(), "and intact");
                }
                JsonNode after = Json.parse(ProxyProcess.get(http, "/stats").body());
                assertEquals(TOTAL, after.get("upstream").get("bytes_downstream").asLong(), after.toString());
            }
        }
    }

    /**
     * What the kernel may buffer on the two connections at most: each has a sending and a receiving side, whose
     * buffers Linux grows on its own up to {@code tcp_wmem} and {@code tcp_rmem}'s maxima (32 MiB of receive buffer
     * on some machines). Elsewhere, 8 MiB per side.
     */
    private static long socketBuffersAtMost() throws IOException {
        return 2 * (kernelMax("/proc/sys/net/ipv4/tcp_rmem") + kernelMax("/proc/sys/net/ipv4/tcp_wmem"));
    }

    private static long kernelMax(String file) throws IOException {
        Path path = Path.of(file);
        if (!Files.isReadable(path)) {
            return 8L << 20;
        }
        // A /proc file says it is empty: read it line by line, not by its size.
        String[] values = Files.readAllLines(path).get(0).trim().split("\\s+");
        return Long.parseLong(values[values.length - 1]);
    }

    /** Waits until the upstream's writes stop progressing for a second; returns what it wrote by then. */
    private static long awaitStall(AtomicLong written) throws InterruptedException {
        long last = -1;
        for (int i = 0; i < 60; i++) {
            Thread.sleep(1000);
            long now = written.get();
            if (now == last) {
                return now;
            }
            last = now;
        }
        throw new AssertionError("the upstream never stalled: " + written.get() + " bytes written");
    }

    private static void stream(ServerSocket upstream, AtomicLong written, CRC32 sent) {
        try (Socket socket = upstream.accept()) {
            OutputStream out = socket.getOutputStream();
            Random random = new Random(18);
            byte[] chunk = new byte[1 << 16];
            for (long done = 0; done < TOTAL; done += chunk.length) {
                random.nextBytes(chunk);
                out.write(chunk);
                sent.update(chunk);
                written.addAndGet(chunk.length);
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
