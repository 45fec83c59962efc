package io.streamreplay.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamreplay.poll.PollLoop;
import io.streamreplay.stream.TlsConfig;
import io.streamreplay.stream.TransportRegistry;
import io.streamreplay.testing.CounterClient;
import io.streamreplay.testing.CounterServer;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a recording buffers stays bounded however many streams it records: the files share a pool of
 * {@value BufferPool#BUFFERS} buffers of {@value BufferPool#BUFFER_SIZE} bytes (4 MiB in all), where each used to
 * hold 64 KiB of direct memory of its own, so that 4,093 idle connections exhausted a 256 MiB server's direct
 * memory. Replays read through such a pool too.
 */
class RecordingBuffersTest {

    private static final int CONNECTIONS = 1000;
    private static final String PROGRAM = "counter-server";

    @TempDir
    Path tmp;

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void thousandsOfIdleRecordedConnectionsHoldAtMostThePoolsDirectMemoryAndReplay() throws Exception {
        Path dir = tmp.resolve("recording");
        Path socket = tmp.resolve("s.sock");
        Path control = tmp.resolve("s.ctl");
        List<String> remotes = List.of("punix:" + socket);
        ReplayContext recording = ReplayContext.record(dir, PROGRAM, remotes);
        CounterServer server = new CounterServer(recording, TransportRegistry.standard(TlsConfig.none()), remotes,
                control);
        Thread thread = new Thread(server::runUntilExit, "recorded-server");
        thread.start();
        TransportRegistry streams = TransportRegistry.standard(TlsConfig.none());
        try (CounterClient first = new CounterClient(streams, PollLoop.live(), "unix:" + socket)) {
            first.call("add", 1);
        }
        long before = directMemoryUsed();
        List<SocketChannel> idle = new ArrayList<>();
        try {
            for (int i = 0; i < CONNECTIONS; i++) {
                idle.add(connect(socket));
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (connections(server) < CONNECTIONS + 1 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertEquals(CONNECTIONS + 1, connections(server), "the server accepted every connection");
            long used = directMemoryUsed() - before;
            assertTrue(used <= BufferPool.BUFFERS * BufferPool.BUFFER_SIZE, "direct memory taken by recording "
                    + CONNECTIONS + " idle connections: " + used + " bytes");
            try (CounterClient admin = new CounterClient(streams, PollLoop.live(), "unix:" + control)) {
                admin.call("exit");
            }
            thread.join(30_000);
        } finally {
            for (SocketChannel channel : idle) {
                channel.close();
            }
        }
        recording.close();

        ReplayContext replay = ReplayContext.replay(dir, PROGRAM);
        CounterServer replayed = new CounterServer(replay, TransportRegistry.standard(TlsConfig.none()), remotes,
                control);
        replayed.runUntilExit();
        replay.close();
        assertEquals(server.events(), replayed.events(), "the replay opens every stream's file and sees it all");
    }

    private static long connections(CounterServer server) {
        return server.events().stream().filter(e -> e.startsWith("connected ")).count();
    }

    private static long directMemoryUsed() {
        return ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
                .filter(pool -> pool.getName().equals("direct")).mapToLong(BufferPoolMXBean::getMemoryUsed).sum();
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
