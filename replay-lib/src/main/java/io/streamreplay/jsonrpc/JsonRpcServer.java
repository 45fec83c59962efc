package io.streamreplay.jsonrpc;

import io.streamreplay.poll.PollLoop;
import io.streamreplay.stream.PassiveStream;
import io.streamreplay.stream.Stream;
import io.streamreplay.stream.StreamProvider;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Listeners and the sessions they accept, with every received message handed to a {@link Handler}.
 *
 * <p>Each {@link #run()} accepts what is pending, runs every session, and dispatches at most
 * {@value #MESSAGES_PER_RUN} messages per session so that one busy peer cannot starve the others. Failed sessions
 * are closed and reported to {@link Handler#disconnected}. A listener that fails to accept logs the error and keeps
 * listening.
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

        /** A session was accepted. */
        default void connected(JsonRpcSession session) {
        }

        /** A session ended and was closed; it must not be used any more. */
        default void disconnected(JsonRpcSession session) {
        }
    }

    private final PollLoop loop;
    private final StreamProvider provider;
    private final Limits limits;
    private final long probeInterval;
    private final Handler handler;
    private final List<PassiveStream> listeners = new ArrayList<>();
    private final List<JsonRpcSession> sessions = new ArrayList<>();

    /**
     * @param probeIntervalMillis inactivity probe interval for accepted network sessions; 0 disables probes
     */
    public JsonRpcServer(PollLoop loop, StreamProvider provider, Limits limits, long probeIntervalMillis,
            Handler handler) {
        this.loop = loop;
        this.provider = provider;
        this.limits = limits;
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
        log.info("{}: listening", listener.name());
        return listener;
    }

    /** Accepts pending connections, runs sessions, dispatches received messages. */
    public void run() {
        for (PassiveStream listener : listeners) {
            accept(listener);
        }
        for (Iterator<JsonRpcSession> it = sessions.iterator(); it.hasNext();) {
            JsonRpcSession session = it.next();
            session.run();
            for (int i = 0; i < MESSAGES_PER_RUN && session.isConnected(); i++) {
                Message message = session.recv();
                if (message == null) {
                    break;
                }
                handler.handle(session, message);
            }
            session.run();
            if (!session.isAlive()) {
                it.remove();
                session.close();
                handler.disconnected(session);
            }
        }
    }

    private void accept(PassiveStream listener) {
        for (int i = 0; i < MESSAGES_PER_RUN; i++) {
            Stream stream;
            try {
                stream = listener.accept();
            } catch (IOException e) {
                log.warn("{}", e.getMessage());
                return;
            }
            if (stream == null) {
                return;
            }
            log.info("{}: new connection on {}", stream.name(), listener.name());
            JsonRpcSession session = JsonRpcSession.accepted(loop, stream, limits, probeInterval);
            sessions.add(session);
            handler.connected(session);
        }
    }

    /** Registers what the listeners and sessions wait for. */
    public void waitAll(String where) {
        for (PassiveStream listener : listeners) {
            listener.waitAccept(loop, where);
        }
        for (JsonRpcSession session : sessions) {
            session.waitAll(loop, where);
        }
    }

    /** The listeners, in the order they were added. */
    public List<PassiveStream> listeners() {
        return List.copyOf(listeners);
    }

    /** The live sessions. */
    public List<JsonRpcSession> sessions() {
        return List.copyOf(sessions);
    }

    /** Closes every session and listener. */
    @Override
    public void close() {
        for (JsonRpcSession session : sessions) {
            session.close();
        }
        sessions.clear();
        for (PassiveStream listener : listeners) {
            listener.close();
        }
        listeners.clear();
    }
}
