package io.streamreplay.proxy;

import io.streamreplay.poll.PollLoop;
import io.streamreplay.stream.Stream;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Moves one direction of a proxied connection: from one stream into a bounded buffer, from the buffer into the
 * other stream. That bound is the backpressure: while the buffer is full nothing more is read, so the sender's
 * socket buffers fill and its writes stall, and a slow reader slows its writer without the proxy holding more than
 * the buffer.
 *
 * <p>End of stream is passed on as it happened: once everything received before it has been sent, the other
 * stream's sending side is shut down (a half-close), and the opposite direction goes on. A failure of either
 * stream is thrown as a {@link ForwardingFailure} naming it; the connection decides what the other side sees.
 *
 * <p>Loop thread only, except {@link #held()}.
 */
final class Pump {

    /** At most this many read-then-write rounds per {@link #run()}, so that one busy connection cannot starve others. */
    private static final int ROUNDS = 8;

    private final Stream from;
    private final Stream to;
    private final Direction direction;
    private final ByteBuffer buffer;
    private final Meter meter;
    private final MessageObserver observer;
    private final PollLoop loop;
    private boolean ended;
    private boolean shut;
    /** The bytes in the buffer after the last run, for statistics read from other threads. */
    private volatile int held;

    Pump(Stream from, Stream to, Direction direction, int bufferBytes, Meter meter, MessageObserver observer,
            PollLoop loop) {
        this.from = from;
        this.to = to;
        this.direction = direction;
        this.buffer = ByteBuffer.allocate(bufferBytes);
        this.meter = meter;
        this.observer = observer;
        this.loop = loop;
    }

    /** Receives and sends what can be moved now. */
    void run() throws ForwardingFailure {
        if (shut) {
            return;
        }
        try {
            for (int round = 0; round < ROUNDS; round++) {
                boolean moved = false;
                if (!ended && buffer.hasRemaining()) {
                    moved = receive();
                }
                if (buffer.position() > 0) {
                    moved |= send();
                }
                if (ended && buffer.position() == 0 && !shut) {
                    shut = shutdown();
                    moved |= shut;
                }
                if (!moved) {
                    break;
                }
            }
        } finally {
            held = buffer.position();
        }
    }

    private boolean receive() throws ForwardingFailure {
        int start = buffer.position();
        int n;
        try {
            n = from.recv(buffer);
        } catch (IOException e) {
            throw new ForwardingFailure(from, e);
        }
        if (n > 0) {
            meter.bytes(direction, n);
            observer.observe(direction, buffer.array(), start, n, loop.now());
            return true;
        }
        if (n < 0) {
            ended = true;
            return true;
        }
        return false;
    }

    private boolean send() throws ForwardingFailure {
        buffer.flip();
        try {
            return to.send(buffer) > 0;
        } catch (IOException e) {
            throw new ForwardingFailure(to, e);
        } finally {
            buffer.compact();
        }
    }

    private boolean shutdown() throws ForwardingFailure {
        try {
            return to.shutdownSend();
        } catch (IOException e) {
            throw new ForwardingFailure(to, e);
        }
    }

    /** Registers what the next run needs. */
    void waitAll(String where) {
        if (shut) {
            return;
        }
        if (!ended && buffer.hasRemaining()) {
            from.waitRecv(loop, where);
        }
        if (buffer.position() > 0 || ended) {
            to.waitSend(loop, where);
        }
    }

    /** Whether the sender ended its stream. */
    boolean ended() {
        return ended;
    }

    /** Whether this direction is over: the sender ended it and the other stream's sending side is shut down. */
    boolean done() {
        return shut;
    }

    /** The bytes received and not yet sent on, as of the last run. Any thread. */
    int held() {
        return held;
    }
}
