package io.streamreplay.jsonrpc;

import io.streamreplay.poll.PollLoop;
import io.streamreplay.stream.PassiveStream;
import io.streamreplay.stream.Stream;
import io.streamreplay.stream.StreamProvider;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Listeners and the sessions they accept, plus outgoing sessions it keeps connected ({@link #connect}), with every
 * received message handed to a {@link Handler}.
 *
 * <p>Each {@link #run()} accepts what is pending, runs every session, and dispatches at most
 * {@value #MESSAGES_PER_RUN} messages per session so that one busy peer cannot starve the others. Failed accepted
 * sessions are closed and reported to {@link Handler#disconnected}; an outgoing session is reported to
 * {@link Handler#connected} each time it connects and to {@link Handler#disconnected} each time it loses its
 * connection, and reconnects. A listener that fails to accept logs the error (rate-limited) and keeps listening,
 * trying again after a growing delay.
 *
 * <p>Loop thread only.
 */
public final class JsonRpcServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(JsonRpcServer.class);
    private static final int MESSAGES_PER_RUN = 50;

    /** What the application does with its peers' messages. Called on the loop thread. */
    public interface Handler {
        /** A message arrived from {@code session}: a request, a notification, or a reply to the server. */
        void handle(JsonRpcSession session, Message message);

        /** A session was accepted, or an outgoing session connected. */
        default void connected(JsonRpcSession session) {
        }

        /**
         * A session lost its connection. An accepted session is closed and must not be used any more; an outgoing
         * one ({@link JsonRpcSession#isAlive()} still true) reconnects.
         */
        default void disconnected(JsonRpcSession session) {
        }
    }

    private final PollLoop loop;
    private final StreamProvider provider;
    private final Limits limits;
    private final BufferBudget budget;
    private final long probeInterval;
    private final Handler handler;
    private final List<PassiveStream> listeners = new ArrayList<>();
    private final Map<PassiveStream, AcceptBackoff> backoffs = new LinkedHashMap<>();
    private final List<JsonRpcSession> sessions = new ArrayList<>();
    private final Map<JsonRpcSession, Reported> outgoing = new LinkedHashMap<>();

    /**
     * A listener whose accept failed (descriptors exhausted, say): it is not tried again, nor waited on, before
     * {@code retryAt}, the delay doubling from {@value #FIRST_BACKOFF_MILLIS} ms to {@value #MAX_BACKOFF_MILLIS} ms
     * while it keeps failing, so that a failure that lasts costs neither a busy loop nor a recorded event per
     * iteration. Its log lines are rate-limited as Open vSwitch limits its "accept failed" lines (one a minute after
     * a burst of five).
     */
    private static final class AcceptBackoff {
        final LogRateLimit log = new LogRateLimit(1, 5);
        long delayMillis;
        long retryAt = Long.MIN_VALUE;
    }

    private static final long FIRST_BACKOFF_MILLIS = 100;
    private static final long MAX_BACKOFF_MILLIS = 2000;

    /** What the handler was last told about an outgoing session. */
    private static final class Reported {
        boolean up;
        int connection;
    }

    /**
     * @param probeIntervalMillis inactivity probe interval for accepted network sessions; 0 disables probes
     */
    public JsonRpcServer(PollLoop loop, StreamProvider provider, Limits limits, long probeIntervalMillis,
            Handler handler) {
        this.loop = loop;
        this.provider = provider;
        this.limits = limits;
        this.budget = new BufferBudget(limits.maxTotalBufferedBytes());
        this.probeInterval = probeIntervalMillis;
        this.handler = handler;
    }

    /**
     * Starts listening on {@code name}.
     *
     * @return the listener, whose name tells the address actually bound
     * @throws IOException if it cannot listen; the server's other listeners are unaffected
     */
    public PassiveStream listen(String name) throws IOException {
        PassiveStream listener = provider.listen(name);
        listeners.add(listener);
        backoffs.put(listener, new AcceptBackoff());
        log.info("{}: listening", listener.name());
        return listener;
    }

    /**
     * Adds an outgoing session to {@code name}, which connects now and again after every failure.
     *
     * @return the session
     */
    public JsonRpcSession connect(String name) {
        return connect(name, Backoff.DEFAULT);
    }

    /**
     * Adds an outgoing session to {@code name}, which connects now and again after every failure, waiting
     * {@code backoff} between attempts.
     *
     * @return the session
     */
    public JsonRpcSession connect(String name, Backoff backoff) {
        JsonRpcSession session = JsonRpcSession.connect(loop, provider, name, limits, probeInterval, backoff);
        outgoing.put(session, new Reported());
        return session;
    }

    /** Accepts pending connections, runs sessions, dispatches received messages. */
    public void run() {
        for (PassiveStream listener : listeners) {
            accept(listener);
        }
        for (Iterator<JsonRpcSession> it = sessions.iterator(); it.hasNext();) {
            JsonRpcSession session = it.next();
            session.run();
            dispatch(session);
            if (!session.isAlive()) {
                it.remove();
                session.close();
                handler.disconnected(session);
            }
        }
        for (Map.Entry<JsonRpcSession, Reported> entry : outgoing.entrySet()) {
            JsonRpcSession session = entry.getKey();
            session.run();
            report(session, entry.getValue());
            dispatch(session);
            // The session runs last thing in dispatch and may connect there: no message came on it yet, and nothing
            // may wake the loop before the peer speaks, so the handler hears of it now.
            report(session, entry.getValue());
        }
    }

    /** Tells the handler what changed of an outgoing session: a lost connection, then a new one. */
    private void report(JsonRpcSession session, Reported reported) {
        if (reported.up && (session.connections() != reported.connection || !session.isConnected())) {
            reported.up = false;
            handler.disconnected(session);
        }
        if (!reported.up && session.isConnected()) {
            reported.up = true;
            reported.connection = session.connections();
            handler.connected(session);
        }
    }

    /**
     * Hands up to {@value #MESSAGES_PER_RUN} received messages to the handler, then runs the session. The caller runs
     * it first: an outgoing session may connect in {@code run()}, and its handler must hear of the connection before
     * any message on it.
     */
    private void dispatch(JsonRpcSession session) {
        for (int i = 0; i < MESSAGES_PER_RUN && session.isConnected(); i++) {
            Message message = session.recv();
            if (message == null) {
                break;
            }
            handler.handle(session, message);
        }
        session.run();
    }

    private void accept(PassiveStream listener) {
        AcceptBackoff backoff = backoffs.get(listener);
        if (loop.now() < backoff.retryAt) {
            return;
        }
        for (int i = 0; i < MESSAGES_PER_RUN; i++) {
            Stream stream;
            try {
                stream = listener.accept();
            } catch (IOException e) {
                backoff.delayMillis = backoff.delayMillis == 0 ? FIRST_BACKOFF_MILLIS
                        : Math.min(MAX_BACKOFF_MILLIS, 2 * backoff.delayMillis);
                backoff.retryAt = loop.now() + TimeUnit.MILLISECONDS.toNanos(backoff.delayMillis);
                String dropped = backoff.log.admit(loop.now());
                if (dropped != null) {
                    if (!dropped.isEmpty()) {
                        log.warn("{}", dropped);
                    }
                    log.warn("{}; trying again in {} ms", e.getMessage(), backoff.delayMillis);
                }
                return;
            }
            if (stream == null) {
                return;
            }
            backoff.delayMillis = 0;
            log.info("{}: new connection on {}", stream.name(), listener.name());
            JsonRpcSession session = JsonRpcSession.accepted(loop, stream, limits, probeInterval, budget);
            sessions.add(session);
            handler.connected(session);
        }
    }

    /** Registers what the listeners and sessions wait for. */
    public void waitAll(String where) {
        for (PassiveStream listener : listeners) {
            AcceptBackoff backoff = backoffs.get(listener);
            if (loop.now() < backoff.retryAt) {
                loop.waitUntil(backoff.retryAt, where + " (accept backoff)");
            } else {
                listener.waitAccept(loop, where);
            }
        }
        for (JsonRpcSession session : sessions) {
            session.waitAll(loop, where);
        }
        for (JsonRpcSession session : outgoing.keySet()) {
            session.waitAll(loop, where);
        }
    }

    /** The listeners, in the order they were added. */
    public List<PassiveStream> listeners() {
        return List.copyOf(listeners);
    }

    /** The live sessions: the accepted ones, then the outgoing ones. */
    public List<JsonRpcSession> sessions() {
        List<JsonRpcSession> all = new ArrayList<>(sessions);
        all.addAll(outgoing.keySet());
        return all;
    }

    /** Closes every session and listener. */
    @Override
    public void close() {
        for (JsonRpcSession session : sessions) {
            session.close();
        }
        sessions.clear();
        for (JsonRpcSession session : outgoing.keySet()) {
            session.close();
        }
        outgoing.clear();
        for (PassiveStream listener : listeners) {
            listener.close();
        }
        listeners.clear();
        backoffs.clear();
    }
}
