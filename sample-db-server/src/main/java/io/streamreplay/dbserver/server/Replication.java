package io.streamreplay.dbserver.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamreplay.dbserver.protocol.OvsdbException;
import io.streamreplay.dbserver.schema.DatabaseSchema;
import io.streamreplay.dbserver.schema.TableSchema;
import io.streamreplay.dbserver.txn.Transaction;
import io.streamreplay.jsonrpc.Json;
import io.streamreplay.jsonrpc.JsonRpcSession;
import io.streamreplay.jsonrpc.Limits;
import io.streamreplay.jsonrpc.Message;
import io.streamreplay.poll.PollLoop;
import io.streamreplay.stream.StreamProvider;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Active-backup replication, the backup's side, as Open vSwitch's ovsdb-server 3.1 does it
 * ({@code --sync-from}, {@code Documentation/topics/ovsdb-replication.rst}): one JSON-RPC session to the active
 * server, which reconnects with backoff and probes a silent peer ({@link JsonRpcSession}); on each connection it
 * asks {@code get_server_id} (refusing to replicate from itself), {@code list_dbs}, the schema of every database
 * both serve, then sends one {@code monitor} per database for every table not excluded. The reply replaces the
 * contents of those tables in one transaction; each {@code update} after it is committed as one transaction, stored
 * and sent to the backup's own monitors like a client's.
 *
 * <p>The session's stream comes from the application's {@link StreamProvider}, so it is recorded and replayed like
 * every other stream, and its timers run on the loop's clock.
 *
 * <p>A database whose schema differs from the active's is still replicated if the backup's schema has every table
 * and column of the active's (the columns alike), monitoring the active's columns; otherwise it is left out. If
 * nothing can be replicated, or the active is the backup itself, or an update cannot be applied, replication
 * {@linkplain #failed() fails}; the server then stops being a backup, as ovsdb-server does.
 *
 * <p>Loop thread only.
 */
public final class Replication {

    private static final Logger log = LoggerFactory.getLogger(Replication.class);
    /** How many messages one {@link #run} handles at most, as in ovsdb-server, so clients are served meanwhile. */
    private static final int MESSAGES_PER_RUN = 50;

    /** Where the backup is in setting up replication. */
    private enum State {
        INIT, SERVER_ID_REQUESTED, DB_REQUESTED, SCHEMA_REQUESTED, MONITOR_REQUESTED, REPLICATING, ERROR
    }

    private final PollLoop loop;
    private final OvsdbServer server;
    private final String syncFrom;
    private final ExcludedTables excluded;
    private final JsonRpcSession session;
    private State state = State.INIT;
    private int seenConnections;
    private int nextId;
    /** The requests waiting for a reply: id (as JSON text, whatever node type the reader made) to database. */
    private final Map<String, String> pending = new HashMap<>();
    /** The databases to replicate, by name, sorted, each with the schema to monitor. */
    private final Map<String, DatabaseSchema> replicated = new TreeMap<>();

    /**
     * Starts replicating from {@code syncFrom}: the session connects at once.
     *
     * @param probeIntervalMillis silence before an inactivity probe on the session; 0 for none
     */
    public Replication(PollLoop loop, StreamProvider streams, Limits limits, OvsdbServer server, String syncFrom,
            ExcludedTables excluded, long probeIntervalMillis) {
        this.loop = loop;
        this.server = server;
        this.syncFrom = syncFrom;
        this.excluded = excluded;
        this.session = JsonRpcSession.connect(loop, streams, syncFrom, limits, probeIntervalMillis);
    }

    /** The active server this backup replicates from. */
    public String syncFrom() {
        return syncFrom;
    }

    /** The tables left out. */
    public ExcludedTables excluded() {
        return excluded;
    }

    /** Changes the inactivity probe interval of the session (0: none), at once. */
    public void setProbeInterval(long millis) {
        session.setProbeInterval(millis);
    }

    /**
     * Whether replication has failed for good (nothing to replicate, replicating from itself, an update that could
     * not be applied): the owner then stops it and the server is active, as ovsdb-server does.
     */
    public boolean failed() {
        return state == State.ERROR;
    }

    /**
     * What {@code ovsdb-server/sync-status} reports after the {@code state: backup} line, in ovsdb-server's words:
     * {@code connecting: SERVER} until the first monitor reply, then {@code replicating: SERVER}, the databases and
     * the excluded tables; no newline at the end except after a failure.
     */
    public String status() {
        return switch (state) {
            case REPLICATING -> {
                StringBuilder text = new StringBuilder("replicating: ").append(syncFrom).append("\ndatabase:");
                // Sorted: ovsdb-server lists them in the order of its hash table, which we saw differ between runs.
                text.append(String.join(",", replicated.keySet().stream().map(name -> " " + name).toList()));
                if (!excluded.isEmpty()) {
                    text.append("\nexclude: ").append(excluded);
                }
                yield text.toString();
            }
            case ERROR -> "Replication to (" + syncFrom + ") failed\n";
            default -> "connecting: " + syncFrom;
        };
    }

    /** Makes progress: connects, sends the requests of each step, applies the replies and updates. */
    public void run() {
        session.run();
        for (int i = 0; i < MESSAGES_PER_RUN && session.isConnected(); i++) {
            if (session.connections() != seenConnections || state == State.INIT) {
                seenConnections = session.connections();
                pending.clear();
                send("get_server_id", Json.array(), null);
                state = State.SERVER_ID_REQUESTED;
                log.debug("{}: get_server_id sent", syncFrom);
            }
            Message message = session.recv();
            if (message == null) {
                break;
            }
            try {
                handle(message);
            } catch (OvsdbException e) {
                log.error("{}: replication failed: {}: {}", syncFrom, e.tag(), e.details());
                state = State.ERROR;
            }
        }
    }

    /** Registers what the session waits for. */
    public void waitAll() {
        session.waitAll(loop, "replication from " + syncFrom);
    }

    /** Stops replicating: closes the session. */
    public void close() {
        session.close();
    }

    private void send(String method, ArrayNode params, String db) {
        JsonNode id = IntNode.valueOf(nextId++);
        pending.put(id.toString(), db);
        session.send(Message.request(method, params, id));
    }

    private void handle(Message message) throws OvsdbException {
        switch (message.type()) {
            case NOTIFICATION -> {
                if (state != State.ERROR && "update".equals(message.method())) {
                    update(message.params());
                }
            }
            case REPLY -> {
                String id = String.valueOf(message.id());
                if (!pending.containsKey(id)) {
                    log.warn("{}: received unexpected reply", syncFrom);
                    return;
                }
                reply(pending.remove(id), message.result());
            }
            case ERROR -> {
                // As in ovsdb-server, the request stays pending: a database whose monitor failed is never reported
                // as replicated, and the backup stays connecting until the next connection.
                log.warn("{}: the active server answered request {} with an error: {}", syncFrom, message.id(),
                        message.error());
            }
            default -> log.debug("{}: ignoring request {}", syncFrom, message.method());
        }
    }

    private void update(ArrayNode params) throws OvsdbException {
        if (params.size() != 2 || !params.get(0).isTextual()) {
            return;
        }
        String db = params.get(0).textValue();
        if (replicated.containsKey(db)) {
            ServedDatabase served = server.served(db);
            Transaction txn = new Transaction(served.db(), server.uuids());
            TableUpdates.apply(txn, served.db(), params.get(1), null);
            server.commitReplicated(served, txn);
        }
    }

    private void reply(String db, JsonNode result) throws OvsdbException {
        switch (state) {
            case SERVER_ID_REQUESTED -> {
                UUID id = result.isTextual() ? TableUpdates.parseUuid(result.textValue()) : null;
                if (id == null) {
                    throw new OvsdbException("get_server_id failed", "Server ID is not valid UUID");
                }
                if (id.equals(server.serverId())) {
                    throw new OvsdbException("Server ID check failed", "Self replicating is not allowed");
                }
                send("list_dbs", Json.array(), null);
                replicated.clear();
                state = State.DB_REQUESTED;
            }
            case DB_REQUESTED -> {
                if (!result.isArray()) {
                    throw new OvsdbException("list_dbs failed", "list_dbs response is not array");
                }
                for (JsonNode name : result) {
                    if (name.isTextual() && isLocal(name.textValue())) {
                        send("get_schema", Json.array(name.textValue()), name.textValue());
                    }
                }
                state = State.SCHEMA_REQUESTED;
                monitorIfAllSchemasArrived();
            }
            case SCHEMA_REQUESTED -> {
                DatabaseSchema schema = DatabaseSchema.fromJson(result);
                ServedDatabase local = server.served(schema.name());
                if (local == null || !isLocal(schema.name())) {
                    log.warn("{}: unexpected schema {}", syncFrom, schema.name());
                    state = State.ERROR;
                    return;
                }
                if (local.schemaJson().equals(schema.toJson())) {
                    replicated.put(schema.name(), local.db().schema());
                } else if (replicable(local.schemaJson(), schema.toJson())) {
                    log.info("{}: schema of {} differs from the active server's, which it can replicate", syncFrom,
                            schema.name());
                    replicated.put(schema.name(), schema);
                } else {
                    log.info("{}: schema of {} differs from the active server's; it cannot be replicated", syncFrom,
                            schema.name());
                }
                monitorIfAllSchemasArrived();
            }
            case MONITOR_REQUESTED -> {
                ServedDatabase served = server.served(db);
                log.info("{}: {}: monitor reply received, replacing the database's contents", syncFrom, db);
                Transaction txn = new Transaction(served.db(), server.uuids());
                TableUpdates.apply(txn, served.db(), result, excluded);
                server.commitReplicated(served, txn);
                if (pending.isEmpty()) {
                    log.info("{}: replicating {}", syncFrom, String.join(", ", replicated.keySet()));
                    state = State.REPLICATING;
                }
            }
            default -> {
                // An error stops replication; nothing else expects a reply.
            }
        }
    }

    private boolean isLocal(String name) {
        return !name.startsWith("_") && server.served(name) != null;
    }

    private void monitorIfAllSchemasArrived() {
        if (!pending.isEmpty()) {
            return;
        }
        if (replicated.isEmpty()) {
            log.warn("{}: nothing to replicate", syncFrom);
            state = State.ERROR;
            return;
        }
        for (DatabaseSchema schema : replicated.values()) {
            ObjectNode requests = Json.NODES.objectNode();
            // In table name order, as ovsdb-server sends them.
            schema.tables().stream().map(TableSchema::name).sorted().filter(table -> !excluded.contains(
                    schema.name(), table)).forEach(table -> requests.set(table, Json.array(Json.NODES.objectNode())));
            send("monitor", Json.array(schema.name(), schema.name(), requests), schema.name());
        }
        state = State.MONITOR_REQUESTED;
    }

    /**
     * Whether a backup whose schema is {@code local} can replicate an active whose schema is {@code active}: every
     * table and column of the active's is in the backup's, each column of the same type.
     */
    private static boolean replicable(JsonNode local, JsonNode active) {
        for (Iterator<Map.Entry<String, JsonNode>> tables = active.get("tables").fields(); tables.hasNext();) {
            Map.Entry<String, JsonNode> table = tables.next();
            JsonNode localTable = local.get("tables").get(table.getKey());
            if (localTable == null) {
                return false;
            }
            for (Iterator<Map.Entry<String, JsonNode>> columns = table.getValue().get("columns").fields();
                    columns.hasNext();) {
                Map.Entry<String, JsonNode> column = columns.next();
                if (!column.getValue().equals(localTable.get("columns").get(column.getKey()))) {
                    return false;
                }
            }
        }
        return true;
    }
}
