package io.streamreplay.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamreplay.poll.PollLoop;
import io.streamreplay.stream.PassiveStream;
import io.streamreplay.stream.Stream;
import io.streamreplay.stream.StreamProvider;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@link Stream} and {@link PassiveStream} contract as tests, for any transport: subclass it, say how to open
 * listeners and streams of yours, and every test runs over them. The library runs it over tcp, unix, ssl, the
 * in-memory transport, recording over tcp and injected faults over tcp.
 *
 * <p>Each test connects a client to a listener and checks what the contract in {@link Stream} promises: bytes
 * arrive intact and in order however they are read, EOF is a sticky value after the data, failures are sticky and
 * named, {@code accept} and {@code recv} return nothing rather than block, waits wake the loop, a reader that does
 * not read slows its writer, and {@code close} never throws.
 */
public abstract class StreamContract {

    /** A temporary directory for the test, for socket files or recordings. */
    @TempDir
    protected Path tmp;

    /** The loop every stream of a test waits on. */
    protected PollLoop loop;

    /** The provider listeners come from. */
    protected abstract StreamProvider serverSide() throws IOException;

    /** The provider clients connect through. */
    protected abstract StreamProvider clientSide() throws IOException;

    /** The name of a listener to start, such as {@code ptcp:0:127.0.0.1}. */
    protected abstract String listenName();

    /** The name a client connects to {@code listener} with, such as {@code tcp:127.0.0.1:PORT}. */
    protected abstract String connectName(PassiveStream listener);

    /** A name this provider accepts but nobody listens on, so that connecting fails. */
    protected abstract String unreachableName() throws IOException;

    /** The loop of a test: live by default. */
    protected PollLoop newLoop() throws IOException {
        return PollLoop.live();
    }

    @BeforeEach
    void openLoop() throws IOException {
        loop = newLoop();
    }

    @AfterEach
    void closeLoop() {
        loop.close();
    }

    /** A connected pair: the client's stream and the stream the listener accepted. */
    protected final class Connection implements AutoCloseable {
        /** The listener. */
        public final PassiveStream listener;
        /** The client's end. */
        public final Stream client;
        /** The end the listener accepted. */
        public Stream accepted;

        /** Listens, connects, accepts, and drives both ends until each says it is connected. */
        public Connection() throws IOException {
            listener = serverSide().listen(listenName());
            client = clientSide().open(connectName(listener));
            boolean[] up = {false, false};
            LoopDriver.runUntil(loop, () -> up[0] && up[1], () -> {
                try {
                    if (accepted == null) {
                        accepted = listener.accept();
                    }
                    // Both ends must be driven: a TLS handshake needs each side to answer the other.
                    up[0] = up[0] || client.connect();
                    up[1] = up[1] || (accepted != null && accepted.connect());
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                client.waitConnect(loop, "client");
                if (accepted == null) {
                    listener.waitAccept(loop, "listener");
                } else {
                    accepted.waitConnect(loop, "accepted");
                }
            }, 10_000);
        }

        @Override
        public void close() {
            client.close();
            if (accepted != null) {
                accepted.close();
            }
            listener.close();
        }
    }

    @Test
    void aMegabyteArrivesIntactInBothDirections() throws IOException {
        try (Connection c = new Connection()) {
            byte[] data = new byte[1 << 20];
            new Random(42).nextBytes(data);
            assertArrayEquals(data, transfer(c.client, c.accepted, data, 8192));
            assertArrayEquals(new byte[] {1, 2, 3}, transfer(c.accepted, c.client, new byte[] {1, 2, 3}, 8192));
        }
    }

    @Test
    void aReaderTakingOneByteAtATimeGetsEveryByteInOrder() throws IOException {
        try (Connection c = new Connection()) {
            byte[] data = new byte[20_000];
            new Random(7).nextBytes(data);
            assertArrayEquals(data, transfer(c.client, c.accepted, data, 1));
        }
    }

    @Test
    void closingIsEndOfStreamForThePeerAfterItHasReadEverythingAndEndOfStreamIsSticky() throws IOException {
        try (Connection c = new Connection()) {
            ByteBuffer last = ByteBuffer.wrap(new byte[] {9, 8, 7});
            LoopDriver.runUntil(loop, () -> !last.hasRemaining(), () -> {
                send(c.client, last);
                c.client.waitSend(loop, "send");
            }, 10_000);
            flushThenClose(c.client);

            ByteArrayOutputStream received = new ByteArrayOutputStream();
            int[] result = {0};
            ByteBuffer buffer = ByteBuffer.allocate(64);
            LoopDriver.runUntil(loop, () -> result[0] < 0, () -> {
                result[0] = recv(c.accepted, buffer.clear());
                received.write(buffer.array(), 0, Math.max(0, result[0]));
                c.accepted.waitRecv(loop, "recv");
            }, 10_000);
            assertArrayEquals(new byte[] {9, 8, 7}, received.toByteArray(), "the data comes before the end");
            assertEquals(-1, c.accepted.recv(buffer.clear()), "end of stream stays end of stream");
        }
    }

    /**
     * Closes {@code stream} once what it accepted has left: some transports (TLS) hold accepted bytes until a later
     * call. The default gives the loop a few iterations.
     */
    protected void flushThenClose(Stream stream) {
        for (int i = 0; i < 5; i++) {
            send(stream, ByteBuffer.allocate(0));
            loop.waitMillis(5, "flush");
            loop.block();
        }
        stream.close();
    }

    @Test
    void shuttingDownTheSendingSideIsEndOfStreamForThePeerWhichCanStillReply() throws IOException {
        try (Connection c = new Connection()) {
            ByteBuffer request = ByteBuffer.wrap(new byte[] {1, 2, 3});
            boolean[] shut = {false};
            LoopDriver.runUntil(loop, () -> shut[0], () -> {
                if (request.hasRemaining()) {
                    send(c.client, request);
                } else {
                    shut[0] = shutdownSend(c.client);
                }
                c.client.waitSend(loop, "send, then shut down");
            }, 10_000);
            assertTrue(shutdownSend(c.client), "shutting down again does nothing");
            assertThrows(IllegalStateException.class, () -> c.client.send(ByteBuffer.wrap(new byte[] {4})),
                    "nothing may be sent after the shutdown");

            assertArrayEquals(new byte[] {1, 2, 3}, readToEnd(c.accepted), "the request, then end of stream");

            ByteBuffer reply = ByteBuffer.wrap(new byte[] {7, 7});
            LoopDriver.runUntil(loop, () -> !reply.hasRemaining(), () -> {
                send(c.accepted, reply);
                c.accepted.waitSend(loop, "reply");
            }, 10_000);
            flushThenClose(c.accepted);
            assertArrayEquals(new byte[] {7, 7}, readToEnd(c.client), "the half-closed side still receives");
        }
    }

    /**
     * Whether a {@link Stream#reset()} reaches the peer as an error (TCP and TLS: a reset), rather than as end of
     * stream (Unix-domain sockets and the in-memory transport, which have no resets).
     */
    protected boolean resetReachesThePeerAsAnError() {
        return false;
    }

    @Test
    void aResetEndsThePeersStreamAsAnErrorWhereTheTransportHasResets() throws IOException {
        try (Connection c = new Connection()) {
            c.client.reset();
            c.client.reset();
            IOException[] error = {null};
            int[] result = {0};
            LoopDriver.runUntil(loop, () -> result[0] < 0 || error[0] != null, () -> {
                try {
                    result[0] = c.accepted.recv(ByteBuffer.allocate(16));
                } catch (IOException e) {
                    error[0] = e;
                }
                c.accepted.waitRecv(loop, "recv");
            }, 10_000);
            if (resetReachesThePeerAsAnError()) {
                assertTrue(error[0] != null, "the peer sees a reset, not end of stream");
                assertTrue(error[0].getMessage().startsWith(c.accepted.name() + ": "), error[0].getMessage());
            }
        }
    }

    /** Reads {@code stream} until end of stream; returns what it read. */
    private byte[] readToEnd(Stream stream) {
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        int[] result = {0};
        ByteBuffer buffer = ByteBuffer.allocate(64);
        LoopDriver.runUntil(loop, () -> result[0] < 0, () -> {
            result[0] = recv(stream, buffer.clear());
            received.write(buffer.array(), 0, Math.max(0, result[0]));
            stream.waitRecv(loop, "recv to the end");
        }, 10_000);
        return received.toByteArray();
    }

    @Test
    void connectingToNobodyFailsNamingTheStreamAndTheFailureIsSticky() throws IOException {
        String name = unreachableName();
        IOException first;
        try {
            first = assertThrows(IOException.class, () -> clientSide().openBlocking(loop, name, 10_000));
        } catch (AssertionError e) {
            throw new AssertionError("connecting to " + name + " did not fail", e);
        }
        assertTrue(first.getMessage().startsWith(name + ": "), first.getMessage());

        Stream stream;
        try {
            stream = clientSide().open(name);
        } catch (IOException refusedAtOnce) {
            return; // the transport knew at once; nothing is left to be sticky
        }
        IOException[] failure = {null};
        LoopDriver.runUntil(loop, () -> failure[0] != null, () -> {
            try {
                stream.connect();
                stream.waitConnect(loop, "connect");
            } catch (IOException e) {
                failure[0] = e;
            }
        }, 10_000);
        IOException again = assertThrows(IOException.class, stream::connect);
        assertSame(failure[0], again, "a failure is sticky: the same one again");
        stream.close();
    }

    @Test
    void acceptAndRecvReturnNothingRatherThanBlock() throws IOException {
        try (Connection c = new Connection()) {
            assertNull(c.listener.accept(), "no second connection is pending");
            assertEquals(0, c.accepted.recv(ByteBuffer.allocate(16)), "nothing was sent");
            assertEquals(0, c.client.recv(ByteBuffer.allocate(16)), "nothing was sent");
        }
    }

    @Test
    void streamsAreNamedAndKnowTheirPeer() throws IOException {
        try (Connection c = new Connection()) {
            assertEquals(connectName(c.listener), c.client.name(), "the name it was opened with");
            assertFalse(c.client.peer().isEmpty(), "a connected stream knows its peer");
            assertFalse(c.accepted.name().isEmpty(), "the listener names what it accepts");
            assertFalse(c.listener.name().isEmpty());
        }
    }

    @Test
    void waitRecvWakesTheLoopWhenDataArrives() throws IOException {
        try (Connection c = new Connection()) {
            ByteBuffer ping = ByteBuffer.wrap(new byte[] {42});
            LoopDriver.runUntil(loop, () -> !ping.hasRemaining(), () -> {
                send(c.client, ping);
                c.client.waitSend(loop, "send");
            }, 10_000);
            ByteBuffer buffer = ByteBuffer.allocate(8);
            long deadline = loop.now() + TimeUnit.SECONDS.toNanos(30);
            int n = 0;
            while (n == 0 && loop.now() < deadline) {
                // Only the stream's own wait and a far deadline may wake the loop.
                c.accepted.waitRecv(loop, "recv");
                loop.waitUntil(deadline, "deadline");
                loop.block();
                n = recv(c.accepted, buffer);
            }
            assertTrue(loop.now() < deadline, "the wait woke the loop before the far deadline");
            assertEquals(1, n, "the wait woke the loop before the far deadline, with the byte there");
        }
    }

    @Test
    void aPeerThatDoesNotReadSlowsItsWriterToNothing() throws IOException {
        try (Connection c = new Connection()) {
            ByteBuffer chunk = ByteBuffer.allocate(64 * 1024);
            long offered = 0;
            int refused = 0;
            // A bounded writer: the transport must refuse more before 256 MiB are buffered for a silent reader.
            while (refused < 3 && offered < 256L << 20) {
                int n = send(c.client, chunk.clear());
                offered += n;
                refused = n == 0 ? refused + 1 : 0;
                if (n == 0) {
                    c.client.waitSend(loop, "send");
                    loop.waitMillis(20, "backpressure");
                    loop.block();
                }
            }
            assertEquals(3, refused, "send accepted nothing while the peer read nothing (" + offered + " bytes"
                    + " accepted)");
        }
    }

    @Test
    void closeNeverThrowsAndMayBeRepeated() throws IOException {
        Connection c = new Connection();
        c.close();
        c.close();
    }

    /** Sends {@code data} from {@code from} and reads it at {@code to} in reads of at most {@code readSize}. */
    protected byte[] transfer(Stream from, Stream to, byte[] data, int readSize) {
        ByteBuffer out = ByteBuffer.wrap(data);
        ByteBuffer in = ByteBuffer.allocate(readSize);
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        LoopDriver.runUntil(loop, () -> received.size() == data.length, () -> {
            send(from, out);
            int n;
            while ((n = recv(to, in.clear())) > 0) {
                received.write(in.array(), 0, n);
            }
            assertTrue(n == 0, "no end of stream in the middle of a transfer");
            from.waitSend(loop, "send");
            to.waitRecv(loop, "recv");
        }, 60_000);
        return received.toByteArray();
    }

    private static int send(Stream stream, ByteBuffer src) {
        try {
            return stream.send(src);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean shutdownSend(Stream stream) {
        try {
            return stream.shutdownSend();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int recv(Stream stream, ByteBuffer dst) {
        try {
            return stream.recv(dst);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
