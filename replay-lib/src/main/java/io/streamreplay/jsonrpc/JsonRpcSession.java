package io.streamreplay.jsonrpc;

import com.fasterxml.jackson.databind.node.TextNode;
import io.streamreplay.poll.PollLoop;
import io.streamreplay.stream.Stream;
import io.streamreplay.stream.StreamProvider;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLHandshakeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A JSON-RPC connection that looks after itself: an active session reconnects with backoff after a failure, and
 * any session probes a silent peer with {@code echo} requests and drops it if it stays silent.
 *
 * <p>The session answers the peer's {@code echo} requests itself and swallows replies to its own probes (id
 * {@code "echo"}), so {@link #recv()} returns only the application's messages. Probes are sent only on streams that
 * {@linkplain Stream#needsProbes() need them}: never on Unix sockets, and never while recording or replaying,
 * whose runs must not depend on time.
 *
 * <p>Loop thread only.
 */
public final class JsonRpcSession implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(JsonRpcSession.class);
    private static final TextNode ECHO_ID = TextNode.valueOf("echo");

    private final PollLoop loop;
    private final StreamProvider provider;
    private final String name;
    private final Limits limits;
    private long probeInterval;
    private final Reconnect reconnect;
    private Stream connecting;
    private JsonRpcConnection connection;
    /** The accepting server's budget, or null. */
    private BufferBudget budget;
    private long lastReceived;
    private int connections;
    private IOException lastError;
    private long earlierReceived;
    private long earlierSent;

    private JsonRpcSession(PollLoop loop, StreamProvider provider, String name, Limits limits, long probeInterval,
            Backoff backoff) {
        this.loop = loop;
        this.provider = provider;
        this.name = name;
        this.limits = limits;
        this.probeInterval = probeInterval;
        this.reconnect = Reconnect.with(backoff, 0);
    }

    /**
     * A session that connects to {@code name} now and again after every failure.
     *
     * @param probeIntervalMillis silence before a probe on network streams; 0 disables probes
     */
    public static JsonRpcSession connect(PollLoop loop, StreamProvider provider, String name, Limits limits,
            long probeIntervalMillis) {
        return connect(loop, provider, name, limits, probeIntervalMillis, Backoff.DEFAULT);
    }

    /** As {@link #connect(PollLoop, StreamProvider, String, Limits, long)}, waiting {@code backoff} between tries. */
    public static JsonRpcSession connect(PollLoop loop, StreamProvider provider, String name, Limits limits,
            long probeIntervalMillis, Backoff backoff) {
        JsonRpcSession session = new JsonRpcSession(loop, provider, name, limits, probeIntervalMillis, backoff);
        session.run();
        return session;
    }

    /** A session over a stream a listener accepted; once it fails it stays failed. */
    public static JsonRpcSession accepted(PollLoop loop, Stream stream, Limits limits, long probeIntervalMillis) {
        return accepted(loop, stream, limits, probeIntervalMillis, null);
    }

    /** As {@link #accepted(PollLoop, Stream, Limits, long)}, its buffers counting against a server's budget. */
    static JsonRpcSession accepted(PollLoop loop, Stream stream, Limits limits, long probeIntervalMillis,
            BufferBudget budget) {
        JsonRpcSession session = new JsonRpcSession(loop, null, stream.name(), limits, probeIntervalMillis,
                Backoff.DEFAULT);
        session.budget = budget;
        session.reconnect.connecting(session.nowMillis());
        session.connecting = stream;
        session.run();
        return session;
    }

    /** The name of the remote (active) or of the accepted stream. */
    public String name() {
        return name;
    }

    /** Makes progress: completes connections, flushes the backlog, probes, reconnects. */
    public void run() {
        long now = nowMillis();
        if (connection != null) {
            connection.run();
            if (connection.error() != null) {
                disconnect(connection.error());
            }
        }
        if (connecting != null) {
            try {
                if (connecting.connect()) {
                    connection = new JsonRpcConnection(connecting, limits, loop, budget);
                    connecting = null;
                    connections++;
                    reconnect.connected(now);
                    reconnect.setProbeInterval(connection.stream().needsProbes() ? probeInterval : 0);
                    lastReceived = 0;
                    if (provider != null) {
                        log.info("{}: connected", name);
                    }
                }
            } catch (IOException e) {
                if (e instanceof SSLHandshakeException) {
                    // A refused certificate or a peer that is not what it should be: an operator must see it.
                    log.warn("{}", reason(e));
                } else {
                    log.info("{}: connection attempt failed ({})", name, reason(e));
                }
                connecting.close();
                connecting = null;
                lastError = e;
                reconnect.disconnected(now);
                if (provider == null) {
                    reconnect.disable();
                }
            }
        }
        switch (reconnect.run(now)) {
            case CONNECT -> startConnecting(now);
            case PROBE -> {
                if (connection != null) {
                    connection.send(Message.request("echo", Json.array(), ECHO_ID));
                }
            }
            case DISCONNECT -> {
                // As Open vSwitch words it: the time since the probe was sent, in seconds to three digits.
                log.warn("{}: no response to inactivity probe after {} seconds, disconnecting", name,
                        BigDecimal.valueOf(reconnect.inStateMillis(now)).movePointLeft(3).round(new MathContext(3))
                                .stripTrailingZeros().toPlainString());
                disconnect(new IOException(name + ": inactivity probe timed out"));
            }
            case NONE -> {}
        }
    }

    private void startConnecting(long now) {
        if (provider == null) {
            reconnect.disable();
            return;
        }
        reconnect.connecting(now);
        try {
            connecting = provider.open(name);
            if (reconnect.attempts() == 1) {
                log.info("{}: connecting...", name);
            }
        } catch (IOException e) {
            log.info("{}: connection attempt failed ({})", name, reason(e));
            lastError = e;
            reconnect.disconnected(now);
        }
    }

    private void disconnect(IOException cause) {
        lastError = cause;
        if (connection.isEof()) {
            log.info("{}: connection closed by peer", name);
        } else {
            log.warn("{}: connection dropped ({})", name, reason(cause));
        }
        release();
        reconnect.disconnected(nowMillis());
        if (provider == null) {
            reconnect.disable();
        }
    }

    /**
     * Returns the next application message, answering {@code echo} requests and swallowing probe replies.
     *
     * @return a message, or null if none is available
     */
    public Message recv() {
        while (connection != null) {
            Message message = connection.recv();
            if (connection.receivedBytes() != lastReceived) {
                lastReceived = connection.receivedBytes();
                reconnect.activity(nowMillis());
            }
            if (message == null) {
                return null;
            }
            if (message.type() == Message.Type.REQUEST && "echo".equals(message.method())) {
                connection.send(Message.reply(message.params(), message.id()));
            } else if (message.type() != Message.Type.REPLY || !ECHO_ID.equals(message.id())) {
                return message;
            }
        }
        return null;
    }

    /**
     * Sends {@code message} if connected.
     *
     * @return whether it was queued; a disconnected session drops it
     */
    public boolean send(Message message) {
        if (connection == null) {
            return false;
        }
        connection.send(message);
        return true;
    }

    /** Registers everything the session waits for: data, backlog space, connection, timers. */
    public void waitAll(PollLoop loop, String where) {
        if (connection != null) {
            connection.waitRecv(loop, where);
            connection.waitSend(loop, where);
        } else if (connecting != null) {
            connecting.waitConnect(loop, where);
        }
        long wake = reconnect.wakeTime();
        if (wake != Long.MAX_VALUE) {
            loop.waitUntil(TimeUnit.MILLISECONDS.toNanos(wake), where);
        }
    }

    /**
     * Changes the inactivity probe interval, at once for the current connection (on a stream that needs probes) and
     * for the next ones, as Open vSwitch's {@code jsonrpc_session_set_probe_interval} does.
     *
     * @param probeIntervalMillis silence before a probe on network streams; 0 disables probes
     */
    public void setProbeInterval(long probeIntervalMillis) {
        this.probeInterval = probeIntervalMillis;
        if (connection != null) {
            reconnect.setProbeInterval(connection.stream().needsProbes() ? probeIntervalMillis : 0);
        }
    }

    /** Whether a connection is established now. */
    public boolean isConnected() {
        return connection != null;
    }

    /** Whether the session can still deliver messages: connected, connecting, or going to reconnect. */
    public boolean isAlive() {
        return connection != null || connecting != null || provider != null;
    }

    /** How many connections have been established; a change tells the owner to send its state again. */
    public int connections() {
        return connections;
    }

    /** Why the last connection or attempt ended, or null. */
    public IOException lastError() {
        return lastError;
    }

    /** The live connection, or null. */
    public JsonRpcConnection connection() {
        return connection;
    }

    /** Bytes queued for sending on the current connection. */
    public long backlogBytes() {
        return connection == null ? 0 : connection.backlogBytes();
    }

    /** Bytes received over every connection of this session. */
    public long receivedBytes() {
        return earlierReceived + (connection == null ? 0 : connection.receivedBytes());
    }

    /** Bytes sent over every connection of this session. */
    public long sentBytes() {
        return earlierSent + (connection == null ? 0 : connection.sentBytes());
    }

    private void release() {
        earlierReceived += connection.receivedBytes();
        earlierSent += connection.sentBytes();
        connection.close();
        connection = null;
    }

    private long nowMillis() {
        return TimeUnit.NANOSECONDS.toMillis(loop.now());
    }

    private static String reason(IOException e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    @Override
    public void close() {
        if (connection != null) {
            connection.run();
            release();
        }
        if (connecting != null) {
            connecting.close();
            connecting = null;
        }
        reconnect.disable();
    }
}
