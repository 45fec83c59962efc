package io.streamreplay.jsonrpc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.streamreplay.poll.PollLoop;
import io.streamreplay.poll.SelectorBlocker;
import io.streamreplay.poll.SystemClock;
import io.streamreplay.stream.ForwardingStream;
import io.streamreplay.stream.PassiveStream;
import io.streamreplay.stream.Stream;
import io.streamreplay.stream.TlsConfig;
import io.streamreplay.stream.TransportRegistry;
import io.streamreplay.testing.LoopDriver;
import io.streamreplay.testing.TestCertificates;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * How a connection given its poll loop writes, over a real Unix socket: the notifications sent during one loop
 * iteration go out intact and in order in one write, just before the loop blocks and without waiting for any timer,
 * or with the next reply, which goes at once; {@value JsonRpcConnection#WRITE_AT_ONCE_BYTES} held bytes go at once;
 * a loop that does not hold output, and a connection without a loop, write each message when it is sent; a peer that
 * does not read still meets the backlog bound; a peer that half-closes gets everything held, then the connection
 * ends; over TLS as over a plain socket.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class JsonRpcConnectionHeldOutputTest {

    @TempDir
    Path tmp;

    /** Made by keytool once per JVM, with a bound of its own: on a loaded machine it takes minutes. */
    private static TestCertificates certificates;

    @BeforeAll
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    static void makeCertificates() throws IOException {
        certificates = TestCertificates.get();
    }

    /** The real accepted stream, counting the sends that moved bytes. */
    private static final class CountedStream extends ForwardingStream {
        int writes;

        CountedStream(Stream delegate) {
            super(delegate);
        }

        @Override
        public int send(ByteBuffer src) throws IOException {
            int n = super.send(src);
            if (n > 0) {
                writes++;
            }
            return n;
        }
    }

    @Test
    void notificationsOfOneIterationGoOutInOrderInOneWriteBeforeTheLoopBlocks() throws Exception {
        try (PollLoop loop = PollLoop.live(); Pair pair = Pair.open(tmp, loop, true)) {
            List<Message> replies = new ArrayList<>();
            for (int i = 1; i <= 5; i++) {
                replies.add(update("update " + i + " " + "x".repeat(i * 100)));
            }
            byte[] expected = concatenation(replies);
            replies.forEach(pair.connection::send);
            assertEquals(0, pair.stream.writes, "nothing is written while the iteration runs");
            assertEquals(expected.length, pair.connection.backlogBytes());

            // The peer wakes the loop once it has every byte: a write that waited for the loop's timer (30 s)
            // would run into the test's timeout.
            CompletableFuture<byte[]> received = CompletableFuture.supplyAsync(() -> {
                byte[] bytes = pair.read(expected.length);
                loop.wakeup();
                return bytes;
            });
            pair.connection.waitSend(loop, "send");
            loop.waitMillis(30_000, "a timer the write must not wait for");
            loop.block();

            assertArrayEquals(expected, received.get(10, TimeUnit.SECONDS), "every update, intact and in order");
            assertEquals(1, pair.stream.writes, "one write for the iteration's five updates");
            assertEquals(0, pair.connection.backlogBytes());
            assertEquals(expected.length, pair.connection.sentBytes());
        }
    }

    @Test
    void aReplyGoesAtOnceWithTheNotificationsHeldBeforeIt() throws Exception {
        try (PollLoop loop = PollLoop.live(); Pair pair = Pair.open(tmp, loop, true)) {
            List<Message> messages = List.of(update("u1"), update("u2"),
                    Message.reply(TextNode.valueOf("r"), IntNode.valueOf(7)));
            pair.connection.send(messages.get(0));
            pair.connection.send(messages.get(1));
            assertEquals(0, pair.stream.writes, "notifications wait");
            pair.connection.send(messages.get(2));
            assertEquals(1, pair.stream.writes, "the reply went at once, in one write with the updates before it");
            byte[] expected = concatenation(messages);
            assertEquals(expected.length, pair.connection.sentBytes());
            assertArrayEquals(expected, pair.read(expected.length), "in the order they were sent");
        }
    }

    @Test
    void heldOutputOfWriteAtOnceBytesIsWrittenWithoutWaitingForTheLoop() throws Exception {
        try (PollLoop loop = PollLoop.live(); Pair pair = Pair.open(tmp, loop, true)) {
            List<Message> replies = new ArrayList<>();
            long total = 0;
            for (int i = 1; total < JsonRpcConnection.WRITE_AT_ONCE_BYTES; i++) {
                Message reply = update(i + "y".repeat(10_000));
                replies.add(reply);
                total += Json.toBytes(reply).length;
            }
            byte[] expected = concatenation(replies);
            CompletableFuture<byte[]> received = CompletableFuture.supplyAsync(() -> pair.read(expected.length));
            replies.forEach(pair.connection::send);
            assertEquals(1, pair.stream.writes, "the held messages went out together when they reached the bound");
            assertTrue(pair.connection.sentBytes() > 0);
            LoopDriver.runUntil(loop, () -> pair.connection.backlogBytes() == 0,
                    () -> pair.connection.waitSend(loop, "send"), 10_000);
            assertArrayEquals(expected, received.get(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void withoutHeldOutputEachMessageIsWrittenWhenSent() throws Exception {
        try (PollLoop loop = new PollLoop(new SelectorBlocker(SystemClock.INSTANCE), false);
                Pair pair = Pair.open(tmp, loop, true)) {
            sendThree(pair);
            assertEquals(3, pair.stream.writes, "a loop that does not hold output: one write per message");
        }
        try (PollLoop loop = PollLoop.live(); Pair pair = Pair.open(tmp, loop, false)) {
            sendThree(pair);
            assertEquals(3, pair.stream.writes, "a connection without a loop: one write per message");
        }
    }

    private static void sendThree(Pair pair) {
        List<Message> replies = List.of(update("a"), update("b"), update("c"));
        replies.forEach(pair.connection::send);
        byte[] expected = concatenation(replies);
        assertEquals(expected.length, pair.connection.sentBytes());
        assertArrayEquals(expected, pair.read(expected.length));
    }

    @Test
    void aPeerThatDoesNotReadStillMeetsTheBacklogBound() throws Exception {
        long bound = 256 * 1024;
        try (PollLoop loop = PollLoop.live();
                Pair pair = Pair.open(tmp, loop, true, new Limits(1 << 20, bound))) {
            long most = 0;
            int sent = 0;
            // Each iteration queues 8 KiB the peer never reads; the kernel's buffers fill, then the backlog grows.
            while (pair.connection.error() == null && sent < 100_000) {
                for (int i = 0; i < 4; i++) {
                    pair.connection.send(update(++sent + "z".repeat(2000)));
                    most = Math.max(most, pair.connection.backlogBytes());
                }
                pair.connection.waitSend(loop, "send");
                loop.wakeImmediately("next iteration");
                loop.block();
            }
            IOException error = pair.connection.error();
            assertNotNull(error, "the connection failed once the backlog would pass its bound");
            assertTrue(error.getMessage().contains("would exceed the limit of " + bound + " bytes; the peer is not"
                    + " reading"), error.getMessage());
            assertTrue(most <= bound, "the backlog never held more than its bound: " + most);
            assertEquals(0, pair.connection.backlogBytes(), "a failed connection holds nothing");
        }
    }

    @Test
    void aPeerThatHalfClosesGetsEveryHeldUpdateThenTheConnectionEnds() throws Exception {
        try (PollLoop loop = PollLoop.live(); Pair pair = Pair.open(tmp, loop, true)) {
            StringBuilder requests = new StringBuilder();
            List<Message> replies = new ArrayList<>();
            for (int i = 1; i <= 3; i++) {
                requests.append("{\"id\":").append(i).append(",\"method\":\"echo\",\"params\":[\"r").append(i)
                        .append("\"]}");
                replies.add(update("r" + i));
            }
            pair.peer.write(ByteBuffer.wrap(requests.toString().getBytes(StandardCharsets.US_ASCII)));
            pair.peer.shutdownOutput();
            LoopDriver.runUntil(loop, () -> pair.connection.error() != null, () -> {
                Message request;
                while ((request = pair.connection.recv()) != null) {
                    pair.connection.send(update(request.params().get(0).asText()));
                }
                pair.connection.waitRecv(loop, "recv");
                pair.connection.waitSend(loop, "send");
            }, 10_000);
            assertTrue(pair.connection.isEof(), "ended by the peer's close: " + pair.connection.error());
            pair.connection.close();
            assertEquals(new String(concatenation(replies), StandardCharsets.UTF_8),
                    new String(pair.readToEnd(), StandardCharsets.UTF_8), "every update, then the end of the stream");
        }
    }

    @Test
    void overTlsTheUpdatesOfOneIterationArriveIntactAndInOrder() throws Exception {
        try (PollLoop loop = PollLoop.live();
                PassiveStream listener = TransportRegistry.standard(certificates.server()).listen("pssl:0:127.0.0.1")) {
            int port = Integer.parseInt(listener.name().split(":")[1]);
            JsonRpcConnection client = new JsonRpcConnection(TransportRegistry.standard(certificates.clientPem())
                    .open("ssl:127.0.0.1:" + port), Limits.DEFAULT);
            AtomicReference<JsonRpcConnection> server = new AtomicReference<>();
            client.send(Message.request("hello", Json.array(), IntNode.valueOf(0)));
            LoopDriver.runUntil(loop, () -> server.get() != null && server.get().recv() != null, () -> {
                try {
                    Stream accepted = server.get() == null ? listener.accept() : null;
                    if (accepted != null) {
                        server.set(new JsonRpcConnection(accepted, Limits.DEFAULT, loop));
                    }
                } catch (IOException e) {
                    throw new AssertionError(e);
                }
                listener.waitAccept(loop, "accept");
                client.run();
                client.recv();
                client.waitRecv(loop, "client");
                client.waitSend(loop, "client");
                if (server.get() != null) {
                    server.get().waitRecv(loop, "server");
                }
            }, 10_000);
            for (int i = 1; i <= 5; i++) {
                server.get().send(update(i + " " + "t".repeat(i * 3000)));
            }
            assertEquals(0, server.get().sentBytes(), "held until the loop blocks");
            List<Message> received = new ArrayList<>();
            LoopDriver.runUntil(loop, () -> received.size() == 5 || client.error() != null, () -> {
                Message message;
                while ((message = client.recv()) != null) {
                    received.add(message);
                }
                client.waitRecv(loop, "client");
                server.get().waitSend(loop, "server");
            }, 10_000);
            assertNull(client.error());
            for (int i = 1; i <= 5; i++) {
                assertEquals(i + " " + "t".repeat(i * 3000), received.get(i - 1).params().get(0).asText());
            }
            client.close();
            server.get().close();
        }
    }

    /** A notification such as a monitor update. */
    private static Message update(String text) {
        return Message.notification("update", Json.array().add(text));
    }

    private static byte[] concatenation(List<Message> messages) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        messages.forEach(m -> bytes.writeBytes(Json.toBytes(m)));
        return bytes.toByteArray();
    }

    /** A JSON-RPC connection on an accepted Unix socket, and its peer, a plain blocking socket. */
    private record Pair(PassiveStream listener, SocketChannel peer, CountedStream stream,
            JsonRpcConnection connection) implements AutoCloseable {

        static Pair open(Path tmp, PollLoop loop, boolean withLoop) throws IOException {
            return open(tmp, loop, withLoop, Limits.DEFAULT);
        }

        static Pair open(Path tmp, PollLoop loop, boolean withLoop, Limits limits) throws IOException {
            Path socket = tmp.resolve("s" + System.nanoTime() + ".sock");
            PassiveStream listener = TransportRegistry.standard(TlsConfig.none()).listen("punix:" + socket);
            SocketChannel peer = SocketChannel.open(StandardProtocolFamily.UNIX);
            peer.connect(UnixDomainSocketAddress.of(socket));
            AtomicReference<Stream> accepted = new AtomicReference<>();
            LoopDriver.runUntil(loop, () -> accepted.get() != null, () -> {
                try {
                    accepted.set(listener.accept());
                } catch (IOException e) {
                    throw new AssertionError(e);
                }
                listener.waitAccept(loop, "accept");
            }, 10_000);
            CountedStream stream = new CountedStream(accepted.get());
            return new Pair(listener, peer, stream, withLoop ? new JsonRpcConnection(stream, limits, loop)
                    : new JsonRpcConnection(stream, limits));
        }

        /** Reads exactly {@code length} bytes from the peer's side. */
        byte[] read(int length) {
            ByteBuffer buffer = ByteBuffer.allocate(length);
            try {
                while (buffer.hasRemaining()) {
                    if (peer.read(buffer) < 0) {
                        throw new AssertionError("end of stream after " + buffer.position() + " of " + length
                                + " bytes");
                    }
                }
            } catch (IOException e) {
                throw new AssertionError(e);
            }
            return buffer.array();
        }

        /** Reads the peer's side to its end. */
        byte[] readToEnd() throws IOException {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            ByteBuffer buffer = ByteBuffer.allocate(4096);
            while (peer.read(buffer.clear()) >= 0) {
                bytes.write(buffer.array(), 0, buffer.position());
            }
            return bytes.toByteArray();
        }

        @Override
        public void close() throws IOException {
            connection.close();
            peer.close();
            listener.close();
        }
    }
}
