package io.streamreplay.jsonrpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamreplay.poll.PollLoop;
import io.streamreplay.replay.ReplayContext;
import io.streamreplay.stream.PassiveStream;
import io.streamreplay.stream.Stream;
import io.streamreplay.stream.StreamProvider;
import io.streamreplay.stream.TlsConfig;
import io.streamreplay.stream.TransportRegistry;
import io.streamreplay.testing.CounterClient;
import io.streamreplay.testing.CounterServer;
import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
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
 * A server's listeners and sessions over real Unix sockets: what a peer that stops sending still gets, and what a
 * listener that cannot accept costs.
 */
class JsonRpcServerTest {

    @TempDir
    Path dir;

    /** Listeners whose accepts fail, as when the process is out of descriptors, while {@link #exhausted} is set. */
    private static final class ExhaustedListeners implements StreamProvider {
        final StreamProvider inner = TransportRegistry.standard(TlsConfig.none());
        final AtomicBoolean exhausted = new AtomicBoolean();
        final AtomicInteger failedAccepts = new AtomicInteger();

        @Override
        public Stream open(String name) throws IOException {
            return inner.open(name);
        }

        @Override
        public PassiveStream listen(String name) throws IOException {
            PassiveStream listener = inner.listen(name);
            return new PassiveStream() {
                @Override
                public String name() {
                    return listener.name();
                }

                @Override
                public Stream accept() throws IOException {
                    if (exhausted.get() && name.endsWith("db.sock")) {
                        failedAccepts.incrementAndGet();
                        throw new IOException(listener.name() + ": accept failed: Too many open files");
                    }
                    return listener.accept();
                }

                @Override
                public void waitAccept(PollLoop loop, String where) {
                    listener.waitAccept(loop, where);
                }

                @Override
                public void close() {
                    listener.close();
                }
            };
        }
    }

    @Test
    @Timeout(60)
    void aListenerThatCannotAcceptBacksOffAndItsRecordingReplays() throws Exception {
        Path recordingDir = dir.resolve("recording");
        Path control = dir.resolve("server.ctl");
        List<String> remotes = List.of("punix:" + dir.resolve("db.sock"));
        ExhaustedListeners streams = new ExhaustedListeners();
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
            Thread.sleep(1500);
            // Backing off (100, 200, 400, 800 ms...), the server tries a handful of times, not once per iteration
            // of a loop that the waiting connection keeps waking.
            int attempts = streams.failedAccepts.get();
            assertTrue(attempts >= 2 && attempts <= 6, attempts + " failed accepts in 1.5 s");
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
