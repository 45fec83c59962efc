package io.streamreplay.fault;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamreplay.poll.PollLoop;
import io.streamreplay.stream.PassiveStream;
import io.streamreplay.stream.Stream;
import io.streamreplay.stream.StreamProvider;
import io.streamreplay.stream.TlsConfig;
import io.streamreplay.stream.TransportRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Each behaviour over a real loopback TCP connection: the application's end of the connection is accepted through
 * the faults, its peer is a plain stream, and the test asserts what each of them sees (bytes, errors, ends) and
 * when, on the loop's clock.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FaultyStreamTest {

    private static final StreamProvider PLAIN = TransportRegistry.standard(TlsConfig.none());
    private static final long MS = 1_000_000L;

    private final PollLoop loop = PollLoop.live();
    private final List<AutoCloseable> opened = new ArrayList<>();
    private StreamFaults faults;
    private FaultyStreamProvider faulty;
    private PassiveStream listener;

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : opened) {
            c.close();
        }
        loop.close();
    }

    /** Listens through {@code spec} (seed 42) on loopback TCP. */
    private void listen(String spec, long seed) throws IOException {
        faults = StreamFaults.of(spec, seed);
        faulty = new FaultyStreamProvider(PLAIN, faults, loop.clock());
        listener = faulty.listen("ptcp:0:127.0.0.1");
        opened.add(listener);
    }

    private String target() {
        return "tcp:127.0.0.1:" + listener.name().split(":")[1];
    }

    /** A plain peer connected to the listener. */
    private Stream peer() throws IOException {
        Stream peer = PLAIN.openBlocking(loop, target(), 5000);
        opened.add(peer);
        return peer;
    }

    /** The application's end of the next connection, accepted through the faults. */
    private Stream accept() {
        Stream[] accepted = new Stream[1];
        runUntil(() -> accepted[0] != null, () -> {
            try {
                accepted[0] = listener.accept();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            listener.waitAccept(loop, "accept");
        });
        opened.add(accepted[0]);
        return accepted[0];
    }

    private void runUntil(BooleanSupplier done, Runnable step) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!done.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "condition not reached within 20 s");
            step.run();
            // Never blocked for long, so that a wait the stream failed to register slows the test but cannot hang it.
            loop.waitMillis(50, "test step");
            loop.block();
        }
    }

    private void sendAll(Stream stream, byte[] data) {
        ByteBuffer src = ByteBuffer.wrap(data);
        runUntil(() -> !src.hasRemaining(), () -> {
            try {
                stream.send(src);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            if (src.hasRemaining()) {
                stream.waitSend(loop, "send");
            }
        });
    }

    /** What {@code stream} received: its bytes, the size of each recv, and how it ended (EOF, error or neither). */
    private static final class Received {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final List<Integer> sizes = new ArrayList<>();
        boolean eof;
        IOException error;
        long lastAt;
    }

    /** Receives from {@code stream} until {@code count} bytes, end of stream or an error. */
    private Received receive(Stream stream, int count) {
        Received received = new Received();
        ByteBuffer buffer = ByteBuffer.allocate(4096);
        runUntil(() -> received.bytes.size() >= count || received.eof || received.error != null, () -> {
            try {
                buffer.clear();
                int n = stream.recv(buffer);
                if (n > 0) {
                    received.bytes.write(buffer.array(), 0, n);
                    received.sizes.add(n);
                    received.lastAt = loop.now();
                } else if (n < 0) {
                    received.eof = true;
                }
            } catch (IOException e) {
                received.error = e;
            }
            stream.waitRecv(loop, "recv");
        });
        return received;
    }

    private static byte[] bytes(int n) {
        byte[] data = new byte[n];
        for (int i = 0; i < n; i++) {
            data[i] = (byte) ('a' + i % 26);
        }
        return data;
    }

    @Test
    void delayHoldsReceivedAndSentBytesForItsTimeOnTheLoopClock() throws IOException {
        listen("100:delay(ms=200)", 42);
        Stream peer = peer();
        Stream app = accept();
        long sent = loop.now();
        sendAll(peer, bytes(10));
        Received in = receive(app, 10);
        assertArrayEquals(bytes(10), in.bytes.toByteArray());
        assertTrue(in.lastAt - sent >= 200 * MS, "received after " + (in.lastAt - sent) / MS + " ms");

        long replying = loop.now();
        sendAll(app, bytes(5));
        Received out = receive(peer, 5);
        assertArrayEquals(bytes(5), out.bytes.toByteArray());
        assertTrue(out.lastAt - replying >= 200 * MS, "the peer got the reply after " + (out.lastAt - replying) / MS
                + " ms");
    }

    @Test
    void sliceMovesReadsAndWritesInPiecesOfOneToMaxBytes() throws IOException {
        listen("in:100:slice(max=3),out:100:slice(max=2)", 42);
        Stream peer = peer();
        Stream app = accept();
        sendAll(peer, bytes(200));
        Received in = receive(app, 200);
        assertArrayEquals(bytes(200), in.bytes.toByteArray(), "every byte arrives, in order");
        assertTrue(in.sizes.stream().allMatch(n -> n >= 1 && n <= 3), in.sizes.toString());
        assertTrue(in.sizes.size() >= 200 / 3, in.sizes.toString());

        ByteBuffer reply = ByteBuffer.wrap(bytes(50));
        List<Integer> accepted = new ArrayList<>();
        while (reply.hasRemaining()) {
            accepted.add(app.send(reply));
        }
        assertTrue(accepted.stream().allMatch(n -> n >= 1 && n <= 2), accepted.toString());
        assertArrayEquals(bytes(50), receive(peer, 50).bytes.toByteArray());
    }

    @Test
    void resetAfterBytesDeliversExactlyThatManyThenResetsBothEnds() throws IOException {
        listen("100:reset(after=10)", 42);
        Stream peer = peer();
        Stream app = accept();
        sendAll(peer, bytes(30));
        Received in = receive(app, 30);
        assertEquals(10, in.bytes.size(), "the bytes before the reset arrive");
        assertInstanceOf(SocketException.class, in.error);
        assertTrue(in.error.getMessage().startsWith(app.name() + ": Connection reset by peer (injected by"
                + " 100:reset(after=10))"), in.error.getMessage());
        IOException again = assertThrows(IOException.class, () -> app.recv(ByteBuffer.allocate(8)));
        assertEquals(in.error, again, "the failure is sticky");
        Received atPeer = receive(peer, 1);
        assertTrue(atPeer.error != null && atPeer.error.getMessage().contains("reset"),
                "the peer sees a reset, not an orderly end: " + atPeer.error);
    }

    @Test
    void resetPerOperationFailsTheFirstOperationPastItsWarmup() throws IOException {
        listen("100:reset(warmup=2)", 42);
        Stream peer = peer();
        Stream app = accept();
        for (int i = 0; i < 2; i++) {
            sendAll(peer, bytes(4));
            assertEquals(4, receive(app, 4).bytes.size(), "operation " + (i + 1) + " is in the warmup");
        }
        sendAll(peer, bytes(4));
        Received third = receive(app, 4);
        assertEquals(0, third.bytes.size());
        assertTrue(third.error.getMessage().contains("Connection reset by peer (injected by 100:reset(warmup=2))"),
                third.error.getMessage());
    }

    @Test
    void hangDeliversNothingEitherWayForItsDurationThenEverything() throws IOException {
        listen("in:100:hang(ms=300)", 42);
        Stream peer = peer();
        Stream app = accept();
        long start = loop.now();
        sendAll(peer, bytes(8));
        Received in = receive(app, 8);
        assertArrayEquals(bytes(8), in.bytes.toByteArray());
        assertTrue(in.lastAt - start >= 300 * MS, "delivered after " + (in.lastAt - start) / MS + " ms");
    }

    @Test
    void hangWithoutMsLastsUntilTheFaultsChange() throws IOException {
        listen("100:hang", 42);
        Stream peer = peer();
        Stream app = accept();
        sendAll(peer, bytes(8));
        assertEquals(0, app.send(ByteBuffer.wrap(bytes(1))), "the first send starts the hang");
        long start = loop.now();
        ByteBuffer buffer = ByteBuffer.allocate(64);
        runUntil(() -> loop.now() - start >= 400 * MS, () -> {
            try {
                assertEquals(0, app.recv(buffer), "a hung stream delivers nothing");
                assertEquals(0, app.send(ByteBuffer.wrap(bytes(1))), "nor takes anything");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            loop.waitMillis(50, "watch");
        });
        faults.clear();
        assertArrayEquals(bytes(8), receive(app, 8).bytes.toByteArray(), "clearing the faults ends the hang");
    }

    @Test
    void blackoutRefusesAcceptsAndConnectsForItsDuration() throws IOException {
        listen("ptcp:*:100:blackout(ms=400;warmup=1)", 42);
        Stream first = peer();
        accept();
        Stream refused = peer();
        long start = loop.now();
        Stream during = peer();
        runUntil(() -> loop.now() - start >= 200 * MS, () -> {
            try {
                assertNull(listener.accept(), "no connection is accepted during the blackout");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            listener.waitAccept(loop, "accept");
        });
        for (Stream cut : List.of(refused, during)) {
            Received seen = receive(cut, 1);
            assertTrue(seen.eof || seen.error != null, "a refused peer is cut off");
        }
        sendAll(first, bytes(2));

        listen("tcp:*:100:blackout(ms=300)", 42);
        Stream out = faulty.open(target());
        opened.add(out);
        ConnectException e = assertThrows(ConnectException.class, out::connect);
        assertEquals(target() + ": Connection refused (injected by tcp:*:100:blackout(ms=300))", e.getMessage());
    }

    @Test
    void errorFailsTheOperationWithTheChosenErrorAndEndsThePeersStream() throws IOException {
        listen("100:error(errno=ETIMEDOUT)", 42);
        Stream peer = peer();
        Stream app = accept();
        sendAll(peer, bytes(4));
        Received in = receive(app, 4);
        assertEquals(app.name() + ": Connection timed out (injected by 100:error(errno=ETIMEDOUT))",
                in.error.getMessage());
        assertThrows(IOException.class, () -> app.send(ByteBuffer.wrap(bytes(1))), "sticky");
        assertTrue(receive(peer, 1).eof, "the peer reads the end of the stream");
    }

    @Test
    void corruptFlipsTheGivenNumberOfBitsPerOperation() throws IOException {
        listen("in:100:corrupt(bits=1)", 42);
        Stream peer = peer();
        Stream app = accept();
        byte[] zeros = new byte[64];
        sendAll(peer, zeros);
        Received in = receive(app, 64);
        int flipped = 0;
        for (byte b : in.bytes.toByteArray()) {
            flipped += Integer.bitCount(b & 0xff);
        }
        assertEquals(64, in.bytes.size());
        assertTrue(flipped >= 1 && flipped <= in.sizes.size(), flipped + " bits flipped in " + in.sizes.size()
                + " operations");
        sendAll(app, bytes(3));
        assertArrayEquals(bytes(3), receive(peer, 3).bytes.toByteArray(), "sent bytes are never corrupted");
    }

    @Test
    void bandwidthLimitsTheBytesPerSecondOnTheLoopClock() throws IOException {
        listen("in:100:bandwidth(rate=20000)", 42);
        Stream peer = peer();
        Stream app = accept();
        long start = loop.now();
        sendAll(peer, bytes(10_000));
        Received in = receive(app, 10_000);
        assertArrayEquals(bytes(10_000), in.bytes.toByteArray());
        long millis = (in.lastAt - start) / MS;
        // 10,000 bytes at 20,000 bytes a second, less the 2,000 the bucket holds at the start: 400 ms at least.
        assertTrue(millis >= 390 && millis < 5000, millis + " ms");
    }

    @Test
    void limitDataClosesTheStreamAfterItsBytes() throws IOException {
        listen("100:limit-data(bytes=100)", 42);
        Stream peer = peer();
        Stream app = accept();
        sendAll(peer, bytes(300));
        Received in = receive(app, 300);
        assertEquals(100, in.bytes.size());
        assertTrue(in.eof, "the application reads the end of the stream after the limit");
        IOException e = assertThrows(IOException.class, () -> app.send(ByteBuffer.wrap(bytes(1))));
        assertTrue(e.getMessage().contains("Broken pipe (closed by 100:limit-data(bytes=100) after 100 bytes)"),
                e.getMessage());
        Received atPeer = receive(peer, 1);
        // Closed with 200 bytes unread, the connection ends with a reset, as a real close would end it.
        assertTrue(atPeer.eof || atPeer.error != null, "the peer's stream ends");
    }

    @Test
    void theSameSeedMakesTheSameDecisionsAndAnotherSeedOthers() throws IOException {
        List<List<Integer>> runs = new ArrayList<>();
        for (long seed : new long[] {7, 7, 8}) {
            listen("in:100:slice(max=16),in:30:delay(ms=5)", seed);
            Stream peer = peer();
            Stream app = accept();
            sendAll(peer, bytes(400));
            runs.add(receive(app, 400).sizes);
        }
        assertEquals(runs.get(0), runs.get(1), "seed 7 twice");
        assertNotEquals(runs.get(0), runs.get(2), "seeds 7 and 8: " + runs);
        assertTrue(Arrays.asList(runs.get(0).toArray()).size() > 1);
    }
}
