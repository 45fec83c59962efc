package io.streamreplay.tool.drive;

import io.streamreplay.jsonrpc.ProtocolException;
import io.streamreplay.replay.RecordType;
import io.streamreplay.replay.RecordedEvent;
import io.streamreplay.replay.RecordingReader;
import io.streamreplay.replay.RecordingReader.RecordedFile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A recording read as a workload: its events, in recorded order, turned into one {@link RecordedConnection} per
 * client connection a listener accepted, and their steps given their due times by a {@link Schedule}. It reads on
 * demand ({@link #read(int)}), so that a drive holds only what it has not driven yet.
 *
 * <p>The client connections are the streams the recorded process accepted (not those it opened itself), but those of
 * a control socket unless asked for. In a stream-proxy recording, the proxy opened an upstream stream for each
 * client right after accepting it; that stream's data are the server's replies in full. Events of other streams,
 * of sources, and of record types this build does not know are not part of the traffic. Loop thread only.
 */
final class Workload implements AutoCloseable {

    /** The program whose recordings hold each client's upstream stream. */
    static final String PROXY = "stream-proxy";

    /** How a workload frames the clients' bytes. */
    enum Framing {
        /** JSON-RPC where each connection's bytes are; raw where not (for a summary that decides). */
        DETECT,
        JSON_RPC,
        RAW
    }

    private final RecordingReader reader;
    private final Framing framing;
    private final Selection selection;
    private final Schedule schedule;
    private final boolean retain;
    private final boolean proxy;
    private final RecordedConnection.Held held = new RecordedConnection.Held();
    private final ReplyOrder replyOrder = new ReplyOrder();
    private final Map<Long, Path> streamsByOpenSeq = new HashMap<>();
    private final Map<Path, RecordedConnection> byClientFile = new HashMap<>();
    private final Map<Path, RecordedConnection> byUpstreamFile = new HashMap<>();
    private final Map<Long, RecordedConnection> byOpenSeq = new HashMap<>();
    private final List<RecordedConnection> connections = new ArrayList<>();
    private final List<RecordedConnection> opened = new ArrayList<>();
    private boolean done;
    private long lastDue;
    private long firstTime = -1;
    private long lastTime;
    private long steps;
    private long requests;
    private long requestLimit = Long.MAX_VALUE;
    private long dueAtLimit = -1;

    /**
     * Opens the recording in {@code dir}.
     *
     * @param retain whether steps and replies are kept for a drive, or only counted
     * @throws DriveException if the recording cannot be read at all
     */
    Workload(Path dir, Framing framing, Selection selection, Schedule schedule, boolean retain)
            throws DriveException {
        try {
            this.reader = RecordingReader.open(dir);
        } catch (IOException e) {
            throw new DriveException("cannot read the recording " + dir + ": " + e.getMessage(), e);
        }
        this.framing = framing;
        this.selection = selection;
        this.schedule = schedule;
        this.retain = retain;
        this.proxy = PROXY.equals(reader.manifest().program());
        for (RecordedFile file : reader.files()) {
            if (file.kind().equals("stream")) {
                streamsByOpenSeq.put(file.openSeq(), file.path());
            }
        }
    }

    /** Whether it is a stream-proxy recording, whose replies are in full. */
    boolean isProxyRecording() {
        return proxy;
    }

    /** The program that made the recording. */
    String program() {
        return reader.manifest().program();
    }

    /**
     * Reads up to {@code events} more events.
     *
     * @return false once the whole recording has been read
     * @throws DriveException if the recording cannot be read further, or the bytes are not JSON-RPC when they
     *     must be
     */
    boolean read(int events) throws DriveException {
        for (int i = 0; i < events && !done; i++) {
            RecordedEvent event;
            try {
                event = reader.next();
            } catch (IOException e) {
                throw new DriveException("cannot read the recording " + reader.directory() + ": " + e.getMessage(),
                        e);
            }
            if (event == null) {
                done = true;
                connections.forEach(RecordedConnection::recordingRead);
            } else {
                take(event);
            }
        }
        if (!retain) {
            replyOrder.catchUp(delivery -> true); // counting only: nothing waits for them
        }
        return !done;
    }

    private void take(RecordedEvent event) throws DriveException {
        RecordedConnection client = byClientFile.get(event.file());
        try {
            if (client != null) {
                lastTime = Math.max(lastTime, event.time());
                schedule(client, client.clientEvent(event));
            } else if (event.type() == RecordType.ACCEPT_OK) {
                accepted(event);
            } else if (byUpstreamFile.containsKey(event.file())) {
                lastTime = Math.max(lastTime, event.time());
                byUpstreamFile.get(event.file()).upstreamEvent(event);
            } else if (proxy && (event.type() == RecordType.OPEN_OK || event.type() == RecordType.OPEN_ERROR)) {
                RecordedConnection accepted = byOpenSeq.get(event.seq() - 1);
                if (accepted != null && event.file().equals(streamsByOpenSeq.get(event.seq()))) {
                    accepted.pairUpstream(event.file().toString());
                    byUpstreamFile.put(event.file(), accepted);
                }
                return;
            } else {
                return;
            }
        } catch (ProtocolException e) {
            RecordedConnection connection = client != null ? client : byUpstreamFile.get(event.file());
            String why = "the " + (client != null ? "client's bytes" : "replies") + " of " + connection.name
                    + " are not JSON-RPC at event #" + event.seq() + " (" + event.file() + ", offset "
                    + event.offset() + "): " + e.getMessage();
            if (framing != Framing.DETECT) {
                throw new DriveException(why + "; drive it with --protocol=raw");
            }
            connection.notJsonRpc(why);
        }
    }

    private void accepted(RecordedEvent event) throws DriveException {
        Path file = streamsByOpenSeq.get(event.seq());
        String detail = event.detail();
        int from = detail.indexOf(" from ");
        String name = from < 0 ? detail : detail.substring(0, from);
        if (file == null || !selection.selects(name, event.stream())) {
            return;
        }
        boolean jsonRpc = framing != Framing.RAW;
        RecordedConnection connection = new RecordedConnection(connections.size() + 1, name, event.stream(),
                event.seq(), jsonRpc, retain, held, replyOrder);
        connections.add(connection);
        opened.add(connection);
        byClientFile.put(file, connection);
        byOpenSeq.put(event.seq(), connection);
        if (firstTime < 0) {
            firstTime = event.time();
        }
        lastTime = Math.max(lastTime, event.time());
        Step open = connection.opened(event);
        schedule(connection, List.of(open));
        connection.openDue = open.due;
    }

    private void schedule(RecordedConnection connection, List<Step> made) {
        for (Step step : made) {
            step.due = schedule.due(step.recordedTime, step.request);
            lastDue = step.due;
            steps++;
            if (step.request && ++requests == requestLimit + 1) {
                dueAtLimit = step.due;
            }
        }
        if (!retain) {
            connection.discard();
        }
    }

    /** The connections accepted since the last call. */
    List<RecordedConnection> takeOpened() {
        if (opened.isEmpty()) {
            return List.of();
        }
        List<RecordedConnection> taken = new ArrayList<>(opened);
        opened.clear();
        return taken;
    }

    /** The order of the recorded server's reply deliveries. */
    ReplyOrder replyOrder() {
        return replyOrder;
    }

    /** Every connection read so far, in the order they were accepted. */
    List<RecordedConnection> connections() {
        return connections;
    }

    /** Whether every event has been read. */
    boolean done() {
        return done;
    }

    /** The due time of the last step read, in drive nanoseconds. */
    long lastDue() {
        return lastDue;
    }

    /** Bytes of steps and replies read but not yet driven. */
    long heldBytes() {
        return held.bytes;
    }

    /** Notes when the request after the first {@code limit} is due: where a drive with that limit stops. */
    void requestLimit(long limit) {
        requestLimit = limit;
    }

    /** When the request after the limit is due, in drive nanoseconds; -1 if the limit is not reached. */
    long dueAtRequestLimit() {
        return dueAtLimit;
    }

    /** Steps read so far. */
    long steps() {
        return steps;
    }

    /** Requests read so far. */
    long requests() {
        return requests;
    }

    /**
     * The recorded time the traffic of the connections read so far spans, in nanoseconds: from the first accept to
     * the last event of any of them.
     */
    long recordedSpan() {
        return firstTime < 0 ? 0 : lastTime - firstTime;
    }

    /** When, in drive time, the recorded traffic read so far ends (its last replies included). */
    long driveSpan() {
        return firstTime < 0 ? 0 : schedule.after(lastTime);
    }

    /** What was found wrong with the recording so far (damage, a recording still being written). */
    List<String> problems() {
        return reader.problems();
    }

    @Override
    public void close() {
        try {
            reader.close();
        } catch (IOException e) {
            // Read-only files: nothing is lost by a failed close.
        }
    }
}
