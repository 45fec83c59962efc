package io.streamreplay.jsonrpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamreplay.poll.PollLoop;
import io.streamreplay.replay.ReplayContext;
import io.streamreplay.stream.ForwardingPassiveStream;
import io.streamreplay.stream.PassiveStream;
import io.streamreplay.stream.Stream;
import io.streamreplay.stream.StreamProvider;
import io.streamreplay.stream.TlsConfig;
import io.streamreplay.stream.TransportRegistry;
import io.streamreplay.testing.Await;
import io.streamreplay.testing.CounterClient;
import io.streamreplay.testing.CounterServer;
import io.streamreplay.testing.ManualBlocker;
import io.streamreplay.testing.ManualClock;
import io.streamreplay.testing.MemoryTransport;
import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server's listeners and sessions: what a peer that stops sending still gets, and what a listener that cannot
 * accept costs, on simulated time (the backoff's exact timings) and over real Unix sockets, recorded and replayed.
 */
class JsonRpcServerTest {

    @TempDir
    Path dir;

    /**
     * Listeners on {@code exhaustible} whose accepts fail, as when the process is out of descriptors, while
     * {@link #exhausted} is set.
     */
    private static final class ExhaustedListeners implements StreamProvider {
        final StreamProvider inner;
        final String exhaustible;
        final AtomicBoolean exhausted = new AtomicBoolean();
        final AtomicInteger failedAccepts = new AtomicInteger();

        ExhaustedListeners(StreamProvider inner, String exhaustible) {
            this.inner = inner;
            this.exhaustible = exhaustible;
        }

        @Override
        public Stream open(String name) throws IOException {
            return inner.open(name);
        }

        @Override
        public PassiveStream listen(String name) throws IOException {
            PassiveStream listener = inner.listen(name);
            return new ForwardingPassiveStream(listener) {
                @Override
                public Stream accept() throws IOException {
                    if (exhausted.get() && name.equals(exhaustible)) {
                        failedAccepts.incrementAndGet();
                        throw new IOException(listener.name() + ": accept failed: Too many open files");
                    }
                    return listener.accept();
                }
            };
        }
    }

    @Test
    void aListenerThatCannotAcceptIsTriedAgainWithDoublingBackoffNotOncePerIteration() throws IOException {
        MemoryTransport network = new MemoryTransport();
        ManualClock clock = new ManualClock();
        PollLoop loop = ManualBlocker.newLoop(clock);
        ExhaustedListeners streams = new ExhaustedListeners(network.registry(), "pmem:db");
        List<String> handled = new ArrayList<>();
        JsonRpcServer server = new JsonRpcServer(loop, streams, Limits.DEFAULT, 0, (session, message) -> {
            handled.add(message.method() + " at " + millis(clock));
            session.send(Message.reply(message.params(), message.id()));
        });
        server.listen("pmem:db");
        streams.exhausted.set(true);
        // A client connects while the listener cannot accept; its connection waits, and keeps the listener ready.
        JsonRpcConnection client = new JsonRpcConnection(network.registry().open("mem:db"), Limits.DEFAULT);
        client.send(Message.request("greet", Json.array("waited"), Json.NODES.numberNode(1)));
        List<Long> failures = new ArrayList<>();
        Message[] reply = {null};
        Runnable step = () -> {
            server.run();
            client.run();
            if (streams.failedAccepts.get() > failures.size()) {
                failures.add(millis(clock));
            }
            if (millis(clock) >= 1500) {
                streams.exhausted.set(false);
            }
            reply[0] = client.recv();
            server.waitAll("server");
            client.waitRecv(loop, "client");
        };
        for (int i = 0; reply[0] == null; i++) {
            assertTrue(i < 1000 && millis(clock) < 60_000, "no reply after " + i + " iterations, at "
                    + millis(clock) + " ms; accepts failed at " + failures);
            step.run();
            if (reply[0] == null) {
                loop.block();
            }
        }
        assertEquals(List.of(0L, 100L, 300L, 700L, 1500L), failures, "tried again after 100, 200, 400, 800 ms");
        assertEquals(List.of("greet at 3100"), handled, "accepted 1600 ms after the last failure, once it can");
        assertEquals("[\"waited\"]", reply[0].result().toString());
        client.close();
        server.close();
    }

    private static long millis(ManualClock clock) {
        return TimeUnit.NANOSECONDS.toMillis(clock.nanoTime());
    }

    @Test
    @Timeout(60)
    void aListenerThatCannotAcceptWhileRecordingIsReplayedWithItsFailures() throws Exception {
        Path recordingDir = dir.resolve("recording");
        Path control = dir.resolve("server.ctl");
        List<String> remotes = List.of("punix:" + dir.resolve("db.sock"));
        ExhaustedListeners streams = new ExhaustedListeners(TransportRegistry.standard(TlsConfig.none()), "punix:"
                + dir.resolve("db.sock"));
        ReplayContext recording = ReplayContext.record(recordingDir, "counter-server", remotes);
        CounterServer server = new CounterServer(recording, streams, remotes, control);
        Thread loop = new Thread(server::runUntilExit, "recorded server");
        streams.exhausted.set(true);
        loop.start();
        StreamProvider clients = TransportRegistry.standard(TlsConfig.none());
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            // A client connects while the listener cannot accept; its connection waits in the listen queue.
            Future<Message> waiting = pool.submit(() -> {
                try (CounterClient client = new CounterClient(clients, PollLoop.live(), "unix:"
                        + dir.resolve("db.sock"))) {
                    return client.call("add", 5);
                }
            });
            // Two failed accepts (the backoff's timings are the test above's), then the descriptors are back.
            Await.until(() -> streams.failedAccepts.get() >= 2, 20_000, "two failed accepts");
            streams.exhausted.set(false);
            assertEquals("5", waiting.get(20, TimeUnit.SECONDS).result().toString());
            try (CounterClient admin = new CounterClient(clients, PollLoop.live(), "unix:" + control)) {
                assertEquals(Message.Type.REPLY, admin.call("exit").type());
            }
            loop.join(20_000);
        } finally {
            pool.shutdownNow();
            server.stop();
        }
        recording.close();

        ReplayContext replay = ReplayContext.replay(recordingDir, "counter-server");
        CounterServer replayed = new CounterServer(replay, TransportRegistry.standard(TlsConfig.none()), remotes,
                control);
        replayed.runUntilExit();
        replay.close();
        assertEquals(server.events(), replayed.events(), "the replay sees the recorded events, backoff included");
        assertEquals(recording.events(), replay.events(), "the replay consumed every recorded event");
    }

    @Test
    @Timeout(60)
    void aPeerThatHalfClosesAfterPipelinedRequestsGetsEveryReply() throws Exception {
        Path socket = dir.resolve("server.sock");
        CounterServer server = new CounterServer(ReplayContext.live(), TransportRegistry.standard(TlsConfig.none()),
                List.of("punix:" + socket), dir.resolve("server.ctl"));
        Thread loop = new Thread(server::runUntilExit, "server loop");
        loop.start();
        try (SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            // 2,000 requests of about 1 KB, all sent before any reply is read, then the end of the client's side.
            String padding = "x".repeat(1000);
            StringBuilder requests = new StringBuilder();
            for (int i = 0; i < 2000; i++) {
                requests.append("{\"id\":").append(i).append(",\"method\":\"add\",\"params\":[1,\"").append(padding)
                        .append("\"]}");
            }
            ByteBuffer out = ByteBuffer.wrap(requests.toString().getBytes(StandardCharsets.UTF_8));
            while (out.hasRemaining()) {
                channel.write(out);
            }
            channel.shutdownOutput();

            MessageParser parser = new MessageParser(1 << 20);
            ByteBuffer in = ByteBuffer.allocate(64 * 1024);
            channel.configureBlocking(false);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            int replies = 0;
            long last = 0;
            while (System.nanoTime() < deadline) {
                in.clear();
                int n = channel.read(in);
                if (n < 0) {
                    break;
                }
                if (n == 0) {
                    Thread.sleep(5);
                    continue;
                }
                parser.feed(in.array(), 0, n);
                for (JsonNode reply = parser.next(); reply != null; reply = parser.next()) {
                    replies++;
                    last = reply.get("result").asLong();
                }
            }
            assertEquals(2000, replies, "every request read is answered before the connection closes");
            assertEquals(2000, last);
        } finally {
            server.stop();
            loop.join(10_000);
        }
    }
}
