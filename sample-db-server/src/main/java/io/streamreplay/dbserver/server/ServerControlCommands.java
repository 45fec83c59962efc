package io.streamreplay.dbserver.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamreplay.control.ControlCommand;
import io.streamreplay.control.ControlReply;
import io.streamreplay.control.ControlServer;
import io.streamreplay.dbserver.data.Table;
import io.streamreplay.dbserver.storage.DatabaseFile;
import io.streamreplay.jsonrpc.Json;
import io.streamreplay.jsonrpc.JsonRpcSession;
import io.streamreplay.poll.PollLoop;
import io.streamreplay.replay.ReplayContext;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's own control commands: {@code compact [DB]}, {@code list-dbs} and {@code stats}, the first two also
 * under their Open vSwitch names ({@code ovsdb-server/compact}, {@code ovsdb-server/list-dbs}) for
 * {@code ovs-appctl} users; and as in {@code ovsdb-server}, {@code ovsdb-server/list-remotes} (the remotes as
 * configured, sorted, one a line) and {@code memory/show} ({@code NAME:COUNT} pairs, sorted: the bytes waiting to
 * be sent, the database cells, the monitors and the sessions).
 *
 * <p>Every reply depends only on what the server received, never on whether it records or replays, so that a
 * replay sends what the recorded run sent.
 *
 * <p>Loop thread only.
 */
public final class ServerControlCommands {

    private static final Logger log = LoggerFactory.getLogger(ServerControlCommands.class);

    /** The {@code _comment} of a snapshot record, as Open vSwitch writes it. */
    public static final String COMPACT_COMMENT = "compacting database online";

    private final OvsdbServer server;
    private final PollLoop loop;
    private final ReplayContext replay;
    private final Supplier<List<JsonRpcSession>> sessions;
    private final List<String> remotes;

    /**
     * @param sessions the sessions whose traffic {@code stats} counts (accepted and active ones)
     * @param remotes the remotes as configured, for {@code ovsdb-server/list-remotes}
     */
    public ServerControlCommands(OvsdbServer server, PollLoop loop, ReplayContext replay,
            Supplier<List<JsonRpcSession>> sessions, List<String> remotes) {
        this.server = server;
        this.loop = loop;
        this.replay = replay;
        this.sessions = sessions;
        this.remotes = List.copyOf(remotes);
    }

    /** Registers the commands on {@code control}. */
    public void register(ControlServer control) {
        for (String prefix : new String[] {"", "ovsdb-server/"}) {
            control.register(new ControlCommand(prefix + "compact", "[DB]", 0, 1, this::compact));
            control.register(new ControlCommand(prefix + "list-dbs", "", 0, 0, args -> listDbs()));
        }
        control.register(new ControlCommand("stats", "", 0, 0, args -> ControlReply.ok(stats().toPrettyString()
                + "\n")));
        control.register(new ControlCommand("ovsdb-server/list-remotes", "", 0, 0, args -> listRemotes()));
        control.register(new ControlCommand("memory/show", "", 0, 0, args -> ControlReply.ok(memory() + "\n")));
    }

    private ControlReply listRemotes() {
        StringBuilder text = new StringBuilder();
        new TreeSet<>(remotes).forEach(remote -> text.append(remote).append('\n'));
        return ControlReply.ok(text.toString());
    }

    /**
     * What {@code memory/show} reports, as Open vSwitch's {@code ovsdb-server} does: {@code NAME:COUNT} pairs sorted
     * by name; cells are rows times columns over every database.
     */
    private String memory() {
        long cells = 0;
        for (DatabaseFile file : server.files()) {
            for (Table table : file.database().tables()) {
                cells += (long) table.size() * table.schema().columnCount();
            }
        }
        long backlog = 0;
        List<JsonRpcSession> all = sessions.get();
        for (JsonRpcSession session : all) {
            backlog += session.backlogBytes();
        }
        return "backlog:" + backlog + " cells:" + cells + " monitors:" + server.monitorCount() + " sessions:"
                + all.size();
    }

    private ControlReply compact(List<String> args) {
        List<String> names = new ArrayList<>();
        if (args.isEmpty()) {
            server.databaseNames().stream().filter(name -> !name.startsWith("_")).forEach(names::add);
        } else if (args.get(0).startsWith("_")) {
            return ControlReply.error("cannot compact built-in databases");
        } else if (server.file(args.get(0)) == null) {
            return ControlReply.error("no database by that name");
        } else {
            names.add(args.get(0));
        }
        StringBuilder errors = new StringBuilder();
        for (String name : names) {
            DatabaseFile file = server.file(name);
            try {
                long before = file.size();
                file.compact(loop.clock().wallMillis(), COMPACT_COMMENT);
                log.info("{}: compacted {} from {} to {} bytes", name, file.path(), before, file.size());
            } catch (IOException e) {
                log.error("{}: compaction of {} failed: {}", name, file.path(), e.toString());
                errors.append(name).append(": compaction failed: ").append(e.getMessage()).append('\n');
            }
        }
        return errors.length() == 0 ? ControlReply.ok("") : ControlReply.error(errors.toString());
    }

    private ControlReply listDbs() {
        StringBuilder text = new StringBuilder();
        server.databaseNames().forEach(name -> text.append(name).append('\n'));
        return ControlReply.ok(text.toString());
    }

    /** The counters {@code stats} reports, as JSON. */
    public ObjectNode stats() {
        ServerStats stats = server.stats();
        long bytesIn = stats.closedBytesIn();
        long bytesOut = stats.closedBytesOut();
        for (JsonRpcSession session : sessions.get()) {
            bytesIn += session.receivedBytes();
            bytesOut += session.sentBytes();
        }
        ObjectNode json = Json.NODES.objectNode();
        json.put("connections", server.clientCount());
        json.put("connections_opened", stats.connectionsOpened());
        json.put("monitors", server.monitorCount());
        json.put("requests", stats.requests());
        json.put("transactions", stats.transactions());
        json.put("bytes_in", bytesIn);
        json.put("bytes_out", bytesOut);
        // What a replay sends must not depend on its being a replay: it reports the recording it reproduces, as the
        // recorded run reported it (the recorded directory, the events so far, which a replay counts the same).
        if (replay.recordedDirectory() != null) {
            ObjectNode recording = json.putObject("recording");
            recording.put("directory", replay.recordedDirectory());
            recording.put("events", replay.events());
            if (replay.recordingFailure() != null) {
                recording.put("failure", replay.recordingFailure().getMessage());
            }
        }
        return json;
    }

    /** Compacts every database whose file has grown past the automatic threshold. */
    public void compactIfDue() {
        for (DatabaseFile file : server.files()) {
            String name = file.database().name();
            try {
                if (file.shouldCompact(TimeUnit.NANOSECONDS.toMillis(loop.now()))) {
                    long before = file.size();
                    file.compact(loop.clock().wallMillis(), COMPACT_COMMENT);
                    log.info("{}: compacted {} automatically from {} to {} bytes", name, file.path(), before,
                            file.size());
                }
            } catch (IOException e) {
                log.error("{}: automatic compaction of {} failed: {}", name, file.path(), e.toString());
            }
        }
    }
}
