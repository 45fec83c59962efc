package io.streamreplay.stream;

import io.streamreplay.poll.PollLoop;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;

/**
 * A TLS {@link Stream}: an {@link SSLEngine} over a {@link ChannelStream}.
 *
 * <p>{@link #connect()} completes the TCP connection and then the handshake; a handshake failure becomes the
 * stream's sticky error, an {@link SSLHandshakeException} whose message says in plain words what went wrong (whose
 * certificate was refused and why, a missing client certificate, a peer speaking plaintext). A handshake not
 * complete after the configured timeout, counted on the loop's clock from the first wait for it, fails the same
 * way. {@code recv} returns decrypted bytes; EOF is the peer's {@code close_notify} or the connection's end.
 *
 * <p>Encrypted bytes the socket could not take yet are kept and flushed by every later call; while any remain,
 * every {@code wait*} method also waits for the socket to become writable, so they are never stranded.
 * Loop thread only.
 */
final class SslStream implements Stream {

    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    private final ChannelStream tcp;
    private final SSLEngine engine;
    private ByteBuffer netIn;
    private final ByteBuffer netOut;
    private ByteBuffer appIn;
    private boolean handshakeStarted;
    private boolean handshakeDone;
    private boolean inboundDone;
    /** Whether {@link #shutdownSend()} was called: close_notify is wrapped, perhaps not yet written. */
    private boolean sendShutdown;
    private IOException failure;
    private final long handshakeTimeoutNanos;
    /** The CA peers must chain to, for messages; null if peers are not verified. */
    private final String trusted;
    /** The loop whose clock times the handshake, known from the first wait; null before. */
    private PollLoop timer;
    private long handshakeDeadline;

    SslStream(ChannelStream tcp, SSLEngine engine, long handshakeTimeoutMillis, String trusted) {
        this.tcp = tcp;
        this.engine = engine;
        this.trusted = trusted;
        this.handshakeTimeoutNanos = TimeUnit.MILLISECONDS.toNanos(handshakeTimeoutMillis);
        int packet = engine.getSession().getPacketBufferSize();
        this.netIn = ByteBuffer.allocate(packet);
        this.netOut = ByteBuffer.allocate(packet);
        this.netOut.flip();
        this.appIn = ByteBuffer.allocate(engine.getSession().getApplicationBufferSize());
    }

    @Override
    public String name() {
        return tcp.name();
    }

    @Override
    public String peer() {
        return tcp.peer();
    }

    @Override
    public boolean connect() throws IOException {
        if (failure != null) {
            throw failure;
        }
        if (handshakeDone) {
            return true;
        }
        if (timer != null && timer.now() - handshakeDeadline >= 0) {
            throw fail("TLS handshake failed", new SSLHandshakeException("no TLS handshake within "
                    + TimeUnit.NANOSECONDS.toMillis(handshakeTimeoutNanos) / 1000.0 + " s (the peer sent "
                    + (handshakeStarted && netIn.position() > 0 ? "part of one" : "nothing") + ")"));
        }
        try {
            if (!tcp.connect()) {
                return false;
            }
            return handshake();
        } catch (IOException e) {
            throw fail("TLS handshake failed", e);
        }
    }

    private boolean handshake() throws IOException {
        if (!handshakeStarted) {
            engine.beginHandshake();
            handshakeStarted = true;
        }
        while (true) {
            if (!flush()) {
                return false;
            }
            HandshakeStatus status = engine.getHandshakeStatus();
            switch (status) {
                case NOT_HANDSHAKING, FINISHED -> {
                    handshakeDone = true;
                    return true;
                }
                case NEED_TASK -> runTasks();
                case NEED_WRAP -> wrap(EMPTY);
                case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> {
                    if (unwrap().getStatus() == SSLEngineResult.Status.BUFFER_UNDERFLOW) {
                        int n = tcp.recv(netIn);
                        if (n < 0) {
                            throw new IOException("peer closed the connection during the handshake");
                        }
                        if (n == 0) {
                            return false;
                        }
                    }
                }
                default -> throw new IOException("unexpected handshake status " + status);
            }
        }
    }

    @Override
    public int recv(ByteBuffer dst) throws IOException {
        if (!connect()) {
            return 0;
        }
        try {
            flush();
            while (true) {
                if (appIn.position() > 0) {
                    appIn.flip();
                    int n = Math.min(appIn.remaining(), dst.remaining());
                    ByteBuffer slice = appIn.slice();
                    slice.limit(n);
                    dst.put(slice);
                    appIn.position(appIn.position() + n);
                    appIn.compact();
                    return n;
                }
                if (inboundDone) {
                    return -1;
                }
                SSLEngineResult result = unwrap();
                if (result.getStatus() == SSLEngineResult.Status.CLOSED) {
                    inboundDone = true;
                    continue;
                }
                if (result.getHandshakeStatus() == HandshakeStatus.NEED_TASK) {
                    runTasks();
                }
                if (engine.getHandshakeStatus() == HandshakeStatus.NEED_WRAP) {
                    wrap(EMPTY);
                    flush();
                }
                if (result.bytesProduced() > 0 || result.bytesConsumed() > 0) {
                    continue;
                }
                int n = tcp.recv(netIn);
                if (n < 0) {
                    inboundDone = true;
                } else if (n == 0) {
                    return 0;
                }
            }
        } catch (IOException e) {
            throw fail("receive failed", e);
        }
    }

    @Override
    public int send(ByteBuffer src) throws IOException {
        if (!connect()) {
            return 0;
        }
        ChannelStream.checkSendOpen(name(), sendShutdown);
        try {
            int accepted = 0;
            while (src.hasRemaining() && flush()) {
                SSLEngineResult result = wrap(src);
                accepted += result.bytesConsumed();
                if (result.bytesConsumed() == 0) {
                    break;
                }
            }
            flush();
            return accepted;
        } catch (IOException e) {
            throw fail("send failed", e);
        }
    }

    /**
     * Sends {@code close_notify}, then shuts the TCP connection's sending side once the alert is written. Only TLS
     * 1.3 lets the peer go on sending after that; TLS 1.2's closure is of both directions.
     */
    @Override
    public boolean shutdownSend() throws IOException {
        if (!connect()) {
            return false;
        }
        try {
            if (!sendShutdown) {
                engine.closeOutbound();
                SSLEngineResult wrapped;
                do {
                    wrapped = wrap(EMPTY);
                } while (!engine.isOutboundDone() && wrapped.bytesProduced() > 0);
                sendShutdown = true;
            }
            return flush() && tcp.shutdownSend();
        } catch (IOException e) {
            throw fail("shutting down the sending side failed", e);
        }
    }

    @Override
    public void waitConnect(PollLoop loop, String where) {
        if (failure != null || handshakeDone) {
            loop.wakeImmediately(where);
            return;
        }
        if (timer == null) {
            timer = loop;
            handshakeDeadline = loop.now() + handshakeTimeoutNanos;
        }
        loop.waitUntil(handshakeDeadline, where);
        if (!handshakeStarted) {
            tcp.waitConnect(loop, where);
        } else {
            waitNet(loop, engine.getHandshakeStatus() == HandshakeStatus.NEED_UNWRAP ? SelectionKey.OP_READ : 0,
                    where);
        }
    }

    @Override
    public void waitRecv(PollLoop loop, String where) {
        if (!handshakeDone) {
            waitConnect(loop, where);
        } else if (failure != null || appIn.position() > 0 || inboundDone) {
            loop.wakeImmediately(where);
        } else {
            waitNet(loop, SelectionKey.OP_READ, where);
        }
    }

    @Override
    public void waitSend(PollLoop loop, String where) {
        if (!handshakeDone) {
            waitConnect(loop, where);
        } else if (failure != null || !netOut.hasRemaining()) {
            loop.wakeImmediately(where);
        } else {
            waitNet(loop, 0, where);
        }
    }

    private void waitNet(PollLoop loop, int ops, String where) {
        int all = ops | (netOut.hasRemaining() ? SelectionKey.OP_WRITE : 0);
        if (all == 0) {
            loop.wakeImmediately(where);
        } else {
            loop.waitChannel(tcp.channel(), all, where);
        }
    }

    @Override
    public boolean needsProbes() {
        return true;
    }

    @Override
    public void reset() {
        tcp.reset();
    }

    @Override
    public void close() {
        if (handshakeDone && failure == null && !sendShutdown) {
            try {
                engine.closeOutbound();
                wrap(EMPTY);
                flush();
            } catch (IOException e) {
                // The peer sees the connection end without close_notify; nothing more can be done.
            }
        }
        tcp.close();
    }

    /** Writes pending encrypted bytes; returns whether none remain. */
    private boolean flush() throws IOException {
        while (netOut.hasRemaining()) {
            if (tcp.send(netOut) == 0) {
                return false;
            }
        }
        return true;
    }

    private SSLEngineResult wrap(ByteBuffer src) throws SSLException {
        netOut.compact();
        try {
            SSLEngineResult result = engine.wrap(src, netOut);
            if (result.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
                throw new SSLException("TLS record larger than the packet buffer");
            }
            return result;
        } finally {
            netOut.flip();
        }
    }

    private SSLEngineResult unwrap() throws SSLException {
        while (true) {
            netIn.flip();
            SSLEngineResult result;
            try {
                result = engine.unwrap(netIn, appIn);
            } finally {
                netIn.compact();
            }
            switch (result.getStatus()) {
                case BUFFER_OVERFLOW -> {
                    appIn = grow(appIn, engine.getSession().getApplicationBufferSize());
                    continue;
                }
                case BUFFER_UNDERFLOW -> {
                    if (netIn.position() == netIn.capacity()) {
                        netIn = grow(netIn, engine.getSession().getPacketBufferSize());
                    }
                    return result;
                }
                default -> {
                    return result;
                }
            }
        }
    }

    private void runTasks() {
        Runnable task;
        while ((task = engine.getDelegatedTask()) != null) {
            task.run();
        }
    }

    private static ByteBuffer grow(ByteBuffer buffer, int atLeast) {
        ByteBuffer bigger = ByteBuffer.allocate(Math.max(buffer.capacity() * 2, buffer.position() + atLeast));
        buffer.flip();
        bigger.put(buffer);
        return bigger;
    }

    private IOException fail(String what, IOException cause) {
        if (failure == null) {
            String reason = cause.getMessage() != null ? cause.getMessage() : cause.getClass().getSimpleName();
            String prefix = name() + ": ";
            if (reason.startsWith(prefix)) {
                failure = cause;
            } else if (!handshakeDone) {
                SSLHandshakeException handshake = new SSLHandshakeException(prefix + what + ": "
                        + HandshakeFailure.describe(reason, engine.getUseClientMode(), trusted));
                handshake.initCause(cause);
                failure = handshake;
            } else {
                failure = new IOException(prefix + what + ": " + reason, cause);
            }
        }
        return failure;
    }
}
