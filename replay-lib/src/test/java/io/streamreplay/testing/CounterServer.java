package io.streamreplay.testing;

import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.streamreplay.control.ControlCommand;
import io.streamreplay.control.ControlReply;
import io.streamreplay.control.ControlServer;
import io.streamreplay.jsonrpc.Backoff;
import io.streamreplay.jsonrpc.JsonRpcServer;
import io.streamreplay.jsonrpc.JsonRpcSession;
import io.streamreplay.jsonrpc.Limits;
import io.streamreplay.jsonrpc.Message;
import io.streamreplay.poll.PollLoop;
import io.streamreplay.replay.RecordedSource;
import io.streamreplay.replay.ReplayContext;
import io.streamreplay.stream.PassiveStream;
import io.streamreplay.stream.StreamProvider;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A small JSON-RPC application written on the framework, used to check that record and replay reproduce what an
 * application sees. Methods: {@code add [n]} adds to a counter and returns it, {@code uuid []} returns a UUID from
 * the recorded source; notifications are logged. Control commands: the built-ins, {@code stream-faults/...} and
 * {@code count}.
 *
 * <p>{@link #events()} is the application-visible history: listens, connections, every message with the stream it
 * came from, disconnections with their reason. A faithful replay reproduces it exactly.
 */
public final class CounterServer implements AutoCloseable {

    private final PollLoop loop;
    private final JsonRpcServer server;
    private final ControlServer control;
    private final RecordedSource uuids;
    private final List<String> events = Collections.synchronizedList(new ArrayList<>());
    private final List<String> listeners = new ArrayList<>();
    private volatile boolean stopped;
    private long counter;
    private final List<JsonRpcSession> outgoing = new ArrayList<>();
    private final List<IOException> lastErrors = new ArrayList<>();

    /** Sets up the loop, listeners and control socket from {@code context}; runs nothing yet. */
    public CounterServer(ReplayContext context, StreamProvider live, List<String> remotes, Path controlPath)
            throws IOException {
        this(context, loop -> live, remotes, controlPath);
    }

    /**
     * As {@link #CounterServer(ReplayContext, StreamProvider, List, Path)}, with live streams made for the loop: for a
     * provider whose timers run on the loop's clock (injected faults).
     */
    public CounterServer(ReplayContext context, Function<PollLoop, StreamProvider> live, List<String> remotes,
            Path controlPath) throws IOException {
        this(context, live, remotes, controlPath, null, Backoff.DEFAULT);
    }

    /**
     * The full form: {@code remotes} are listeners ({@code p...}) or active remotes it connects to and reconnects to
     * after {@code backoff}; {@code probeIntervalMillis}, if not null, asks for inactivity probes (as a user's
     * {@code --inactivity-probe} would), else the library decides ({@link ReplayContext#probeIntervalMillis}).
     */
    public CounterServer(ReplayContext context, Function<PollLoop, StreamProvider> live, List<String> remotes,
            Path controlPath, Long probeIntervalMillis, Backoff backoff) throws IOException {
        loop = context.newPollLoop();
        StreamProvider streams = context.streams(live.apply(loop));
        uuids = context.source("uuid");
        server = new JsonRpcServer(loop, streams, Limits.DEFAULT,
                context.probeIntervalMillis(probeIntervalMillis, 5000), new Handler());
        for (String remote : remotes) {
            if (!remote.startsWith("p")) {
                outgoing.add(server.connect(remote, backoff));
                lastErrors.add(null);
                events.add("connecting " + remote);
                continue;
            }
            try {
                PassiveStream listener = server.listen(remote);
                listeners.add(listener.name());
                events.add("listening " + listener.name());
            } catch (IOException e) {
                events.add("listen failed: " + e.getMessage());
            }
        }
        control = new ControlServer(loop, streams, controlPath, "counter-server (streamreplay) test");
        control.serveStreamFaults(context.streamFaults());
        control.register(new ControlCommand("count", "", 0, 0, args -> ControlReply.ok(counter + "\n")));
    }

    private final class Handler implements JsonRpcServer.Handler {
        @Override
        public void handle(JsonRpcSession session, Message message) {
            events.add(session.name() + " " + message);
            if (message.type() == Message.Type.REQUEST) {
                switch (message.method()) {
                    case "add" -> {
                        counter += message.params().path(0).asLong();
                        session.send(Message.reply(LongNode.valueOf(counter), message.id()));
                    }
                    case "uuid" -> session.send(Message.reply(TextNode.valueOf(uuids.nextUuid().toString()),
                            message.id()));
                    default -> session.send(Message.error("unknown method", message.id()));
                }
            }
        }

        @Override
        public void connected(JsonRpcSession session) {
            events.add("connected " + session.name());
        }

        @Override
        public void disconnected(JsonRpcSession session) {
            IOException why = session.lastError();
            events.add("disconnected " + session.name() + (why == null ? "" : ": " + why.getMessage()));
        }
    }

    /** Serves until a control client sends {@code exit} (or {@link #stop()} is called), then closes everything. */
    public void runUntilExit() {
        try {
            while (!stopped) {
                server.run();
                noteFailedAttempts();
                control.run();
                if (control.exitRequested()) {
                    events.add("exit requested");
                    break;
                }
                server.waitAll("server");
                control.waitAll();
                loop.block();
            }
        } finally {
            close();
        }
    }

    /** Notes each failed connection attempt of an active remote, with the loop's time, in the history. */
    private void noteFailedAttempts() {
        for (int i = 0; i < outgoing.size(); i++) {
            IOException error = outgoing.get(i).lastError();
            if (error != null && error != lastErrors.get(i) && !outgoing.get(i).isConnected()) {
                events.add("attempt failed at " + TimeUnit.NANOSECONDS.toMillis(loop.now()) + " ms: "
                        + error.getMessage());
            }
            lastErrors.set(i, error);
        }
    }

    /** Ends {@link #runUntilExit()} from another thread, without any recorded event: like killing the process. */
    public void stop() {
        stopped = true;
        loop.wakeup();
    }

    /** The names the listeners reported, in order; failed listeners are missing. */
    public List<String> listeners() {
        return listeners;
    }

    /** A copy of the application-visible history. */
    public List<String> events() {
        synchronized (events) {
            return new ArrayList<>(events);
        }
    }

    @Override
    public void close() {
        control.close();
        server.close();
        loop.close();
    }
}
