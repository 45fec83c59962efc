package io.streamreplay.client.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.streamreplay.jsonrpc.Json;
import io.streamreplay.jsonrpc.JsonRpcConnection;
import io.streamreplay.jsonrpc.Message;
import io.streamreplay.poll.PollLoop;
import io.streamreplay.replay.RecordingExhaustedException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongConsumer;

/**
 * Drives bench connections on one poll loop: each keeps up to {@code inFlight} {@code transact} requests
 * outstanding until its share of the transactions is done, while monitor connections count the rows they are told
 * about. Times are read through {@link BenchRuntime#nanoTime()}, so that a replay computes the same figures.
 *
 * <p>Single-threaded.
 */
public final class BenchEngine {

    /**
     * Opens a connection again after one was lost, for {@code --reconnect}: a transacting one, or a monitoring one
     * with its monitor request answered.
     */
    @FunctionalInterface
    public interface Reconnect {
        /** Opens the connection, waiting for it; fails with an {@link IOException} naming the server. */
        JsonRpcConnection open(boolean monitor) throws IOException;
    }

    private static final class Lane {
        JsonRpcConnection connection;
        final Workload workload;
        final long quota;
        final Map<Long, Long> started = new HashMap<>();
        long issued;

        Lane(JsonRpcConnection connection, Workload workload, long quota) {
            this.connection = connection;
            this.workload = workload;
            this.quota = quota;
        }
    }

    private final BenchRuntime runtime;
    private final List<Lane> lanes;
    private final List<JsonRpcConnection> monitors;
    private final Reconnect reconnect;
    private final int inFlight;
    private final long[] latencies;
    private long completed;
    private long errors;
    /** The first failed transaction's error, as JSON text; null while none failed. */
    private String firstError;
    private long monitorRows;
    /** The id of the echo that ends a run on each monitor. */
    private static final String DRAINED = "bench-drained";
    /** Per monitor, whether its closing echo came back; null until the transactions are done. */
    private boolean[] drained;
    private long reconnections;
    private long firstStart = -1;
    private long lastEnd;

    /**
     * @param connections the transacting connections, each with its workload
     * @param monitors connections that already sent their monitor request
     * @param reconnect opens a lost connection again, its outstanding transactions counted as errors; null to end
     *     the run on the first connection lost
     */
    public BenchEngine(BenchRuntime runtime, List<JsonRpcConnection> connections, List<Workload> workloads,
            List<JsonRpcConnection> monitors, long transactions, int inFlight, Reconnect reconnect) {
        this.runtime = runtime;
        this.monitors = new ArrayList<>(monitors);
        this.reconnect = reconnect;
        this.inFlight = inFlight;
        this.latencies = new long[(int) transactions];
        this.lanes = new ArrayList<>();
        for (int c = 0; c < connections.size(); c++) {
            long quota = transactions / connections.size() + (c < transactions % connections.size() ? 1 : 0);
            lanes.add(new Lane(connections.get(c), workloads.get(c), quota));
        }
    }

    /**
     * Runs until every transaction is answered or the user presses Ctrl-C (or a replay reaches the end of an
     * interrupted run's recording).
     *
     * @param progress told the number of transactions completed so far, after each reply
     * @return whether the run was interrupted
     * @throws IOException if a connection failed or the server closed one, naming the connection
     */
    public boolean run(LongConsumer progress) throws IOException {
        PollLoop loop = runtime.loop();
        long total = lanes.stream().mapToLong(lane -> lane.quota).sum();
        try {
            while (completed + errors < total && !runtime.interrupted()) {
                // Replies first, so that the requests they make room for are queued before the loop blocks.
                for (Lane lane : lanes) {
                    receive(lane, progress);
                }
                for (Lane lane : lanes) {
                    send(lane);
                }
                for (int m = 0; m < monitors.size(); m++) {
                    receiveUpdates(m);
                }
                if (completed + errors >= total || runtime.interrupted()) {
                    break;
                }
                for (Lane lane : lanes) {
                    lane.connection.waitRecv(loop, "bench connection");
                    lane.connection.waitSend(loop, "bench connection");
                }
                for (JsonRpcConnection monitor : monitors) {
                    monitor.waitRecv(loop, "bench monitor");
                }
                loop.block();
            }
        } catch (RecordingExhaustedException e) {
            return true; // the recorded run was interrupted here
        }
        if (!runtime.interrupted()) {
            drainMonitors(loop);
        }
        return runtime.interrupted();
    }

    /**
     * Waits until each monitor has the updates of every answered transaction: an echo sent on each comes back after
     * them, since a server sends a connection's pending updates before a later reply on it (ovsdb-server flushes a
     * session's monitors before it handles its next request). Another connection's reply may come first.
     */
    private void drainMonitors(PollLoop loop) throws IOException {
        drained = new boolean[monitors.size()];
        for (JsonRpcConnection monitor : monitors) {
            monitor.send(Message.request("echo", Json.NODES.arrayNode(), TextNode.valueOf(DRAINED)));
        }
        while (!runtime.interrupted()) {
            boolean all = true;
            for (int m = 0; m < monitors.size(); m++) {
                receiveUpdates(m);
                all &= drained[m];
            }
            if (all) {
                return;
            }
            for (JsonRpcConnection monitor : monitors) {
                monitor.waitRecv(loop, "bench monitor");
            }
            loop.block();
        }
    }

    private void send(Lane lane) {
        while (lane.started.size() < inFlight && lane.issued < lane.quota && lane.workload.ready()) {
            long id = lane.issued++;
            long now = runtime.nanoTime();
            if (firstStart < 0) {
                firstStart = now;
            }
            lane.started.put(id, now);
            lane.connection.send(Message.request("transact", lane.workload.next(), LongNode.valueOf(id)));
        }
        lane.connection.run();
    }

    private void receive(Lane lane, LongConsumer progress) throws IOException {
        JsonRpcConnection connection = lane.connection;
        connection.run();
        for (Message message = connection.recv(); message != null; message = connection.recv()) {
            if (message.type() == Message.Type.REQUEST && "echo".equals(message.method())) {
                connection.send(Message.reply(message.params(), message.id()));
                continue;
            }
            Long start = message.id() == null ? null : lane.started.remove(message.id().asLong());
            if (start == null || message.type() == Message.Type.NOTIFICATION) {
                continue;
            }
            long end = runtime.nanoTime();
            lastEnd = end;
            JsonNode failure = failure(message);
            lane.workload.answered(message.id().asLong(), failure == null ? message.result() : null);
            if (failure != null) {
                errors++;
                if (firstError == null) {
                    firstError = Json.toText(failure);
                }
            } else {
                latencies[(int) completed++] = end - start;
            }
            progress.accept(completed + errors);
        }
        if (reconnect != null && connection.error() != null) {
            lost(lane, progress);
            return;
        }
        check(connection);
    }

    /** A lane's connection was lost: its outstanding transactions count as errors, and it connects again. */
    private void lost(Lane lane, LongConsumer progress) throws IOException {
        String why = describe(lane.connection);
        errors += lane.started.size();
        lane.started.keySet().forEach(id -> lane.workload.answered(id, null));
        if (firstError == null && !lane.started.isEmpty()) {
            firstError = Json.toText(Json.NODES.objectNode().put("error", "connection lost").put("details", why));
        }
        lane.started.clear();
        lane.connection.close();
        lane.connection = reconnect.open(false);
        reconnections++;
        progress.accept(completed + errors);
    }

    /** What made {@code reply} a failure: its error, or the first operation's error; null if it succeeded. */
    private static JsonNode failure(Message reply) {
        if (reply.type() != Message.Type.REPLY) {
            return reply.error();
        }
        for (JsonNode result : reply.result()) {
            if (result.has("error")) {
                return result;
            }
        }
        return null;
    }

    private void receiveUpdates(int m) throws IOException {
        JsonRpcConnection monitor = monitors.get(m);
        monitor.run();
        for (Message message = monitor.recv(); message != null; message = monitor.recv()) {
            if (message.type() == Message.Type.REQUEST && "echo".equals(message.method())) {
                monitor.send(Message.reply(message.params(), message.id()));
            } else if (message.type() == Message.Type.REPLY && drained != null && message.id() != null
                    && DRAINED.equals(message.id().asText())) {
                drained[m] = true;
            } else if (message.type() == Message.Type.NOTIFICATION && "update".equals(message.method())) {
                for (JsonNode table : message.params().path(1)) {
                    monitorRows += table.size();
                }
            }
        }
        if (reconnect != null && monitor.error() != null) {
            monitor.close();
            monitors.set(m, reconnect.open(true));
            reconnections++;
            if (drained != null) {
                drained[m] = true; // its echo is lost with the connection
            }
            return;
        }
        check(monitor);
    }

    private static void check(JsonRpcConnection connection) throws IOException {
        IOException error = connection.error();
        if (error != null) {
            throw new IOException(describe(connection), error);
        }
    }

    private static String describe(JsonRpcConnection connection) {
        return connection.name() + ": " + (connection.isEof() ? "the server closed the connection"
                : "connection failed: " + connection.error().getMessage());
    }

    /** The figures so far. */
    public BenchResult result(String workload, long requested, boolean interrupted) {
        return new BenchResult(workload, lanes.size(), inFlight, requested, completed, errors, firstError,
                firstStart < 0 ? 0 : lastEnd - firstStart, Arrays.copyOf(latencies, (int) completed),
                monitorRows, reconnections, interrupted);
    }
}
