package io.streamreplay.dbserver.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.streamreplay.dbserver.data.Database;
import io.streamreplay.dbserver.data.RowChange;
import io.streamreplay.dbserver.data.Table;
import io.streamreplay.dbserver.data.UuidSource;
import io.streamreplay.dbserver.monitor.Monitor;
import io.streamreplay.dbserver.protocol.OvsdbException;
import io.streamreplay.dbserver.protocol.ReplyBudget;
import io.streamreplay.dbserver.protocol.ShashOrder;
import io.streamreplay.dbserver.schema.DatabaseSchema;
import io.streamreplay.dbserver.storage.DatabaseFile;
import io.streamreplay.dbserver.txn.Executor;
import io.streamreplay.dbserver.txn.PreparedTransaction;
import io.streamreplay.dbserver.txn.Transaction;
import io.streamreplay.jsonrpc.Json;
import io.streamreplay.jsonrpc.JsonRpcServer;
import io.streamreplay.jsonrpc.JsonRpcSession;
import io.streamreplay.jsonrpc.Message;
import io.streamreplay.poll.PollLoop;
import io.streamreplay.replay.ReplayException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The OVSDB protocol (RFC 7047 with Open vSwitch's extensions) over any number of JSON-RPC sessions: it dispatches
 * every method a client may call, keeps the clients and the {@code _Server} database, and runs and commits
 * transactions; locks are {@link LockTable}'s, monitors and their notifications {@link MonitorRequests}', and
 * {@code transact} requests parked on a {@code wait} {@link ParkedTransactions}'. Committed transactions go to each
 * database's file before any client hears of them, and a client's monitor updates are always sent before its
 * transaction's reply.
 *
 * <p>Loop thread only: {@link #handle} for each message, then {@link #run} and {@link #waitAll} each iteration.
 */
public final class OvsdbServer implements JsonRpcServer.Handler {

    private static final Logger log = LoggerFactory.getLogger(OvsdbServer.class);

    private final PollLoop loop;
    private final long maxReplyBytes;
    private final UuidSource uuids;
    private final UUID serverId;
    private final Map<String, ServedDatabase> databases = new TreeMap<>();
    /** The databases as {@code list_dbs} names them: ovsdb-server's hash order of files, then {@code _Server}. */
    private final List<String> listOrder;
    private final List<DatabaseFile> files;
    private final Map<JsonRpcSession, ClientSession> clients = new LinkedHashMap<>();
    private final LockTable locks = new LockTable();
    private final ParkedTransactions parked;
    private final MonitorRequests monitors;
    private final ServerStats stats = new ServerStats();
    /** Whether clients are refused writes and locks, as a backup refuses them. */
    private boolean readOnly;

    /**
     * @param files the databases to serve, already opened
     * @param uuids the source of every UUID the server makes, the server id included
     * @param maxReplyBytes the heap a reply to {@code transact} or a monitor request may take while it is built
     *     ({@link ReplyBudget}); a request whose reply would take more gets a {@code "resources exhausted"} error
     */
    public OvsdbServer(PollLoop loop, UuidSource uuids, List<DatabaseFile> files, long maxReplyBytes) {
        this.maxReplyBytes = maxReplyBytes;
        this.loop = loop;
        this.uuids = uuids;
        this.serverId = uuids.next();
        this.files = List.copyOf(files);
        this.parked = new ParkedTransactions(loop, this::attempt);
        this.monitors = new MonitorRequests(maxReplyBytes);
        List<DatabaseSchema> schemas = new ArrayList<>();
        for (DatabaseFile file : files) {
            Database db = file.database();
            databases.put(db.name(), new ServedDatabase(db, file, false, db.schema().toJson()));
            schemas.add(db.schema());
        }
        Database server = ServerDatabase.create(schemas, uuids);
        databases.put(ServerDatabase.NAME, new ServedDatabase(server, null, true, server.schema().toJson()));
        List<String> added = new ArrayList<>();
        schemas.forEach(schema -> added.add(schema.name()));
        added.add(ServerDatabase.NAME);
        this.listOrder = ShashOrder.of(added);
    }

    /** The names of the served databases, {@code _Server} included, sorted. */
    public List<String> databaseNames() {
        return List.copyOf(databases.keySet());
    }

    /** The files of the served databases, in the order given. */
    public List<DatabaseFile> files() {
        return files;
    }

    /** The file of database {@code name}, or null if there is none (unknown, or {@code _Server}). */
    public DatabaseFile file(String name) {
        ServedDatabase served = databases.get(name);
        return served == null ? null : served.file();
    }

    /** The server's id, as {@code get_server_id} answers it. */
    public UUID serverId() {
        return serverId;
    }

    /**
     * Refuses (or again accepts) writes and locks from every client, as ovsdb-server does while it is a backup:
     * each write operation of a {@code transact} fails with {@code "not allowed"}, and {@code lock}, {@code steal}
     * and {@code unlock} get a bare error string. Replication itself still writes.
     */
    public void setReadOnly(boolean readOnly) {
        this.readOnly = readOnly;
    }

    /** Whether clients are refused writes ({@link #setReadOnly}). */
    public boolean isReadOnly() {
        return readOnly;
    }

    /** The source of every UUID the server makes. */
    UuidSource uuids() {
        return uuids;
    }

    /** The served database {@code name}, or null if there is none. */
    ServedDatabase served(String name) {
        return databases.get(name);
    }

    /** Counters for the {@code stats} control command. */
    public ServerStats stats() {
        return stats;
    }

    /** The connected clients. */
    public int clientCount() {
        return clients.size();
    }

    /** Monitors across all clients. */
    public int monitorCount() {
        return clients.values().stream().mapToInt(client -> client.monitors.size()).sum();
    }

    @Override
    public void connected(JsonRpcSession session) {
        clients.put(session, new ClientSession(session));
        stats.connectionsOpened++;
    }

    @Override
    public void disconnected(JsonRpcSession session) {
        ClientSession client = clients.remove(session);
        if (client != null) {
            forget(client);
        }
        if (!session.isAlive()) {
            // Gone for good (an outgoing session reconnects, and its bytes stay counted with the live ones).
            stats.addClosed(session);
        }
    }

    /** Drops a client's monitors, parked transactions and locks, handing its locks to the next in line. */
    private void forget(ClientSession client) {
        parked.forget(client);
        locks.release(client);
        client.monitors.clear();
    }

    @Override
    public void handle(JsonRpcSession session, Message message) {
        ClientSession client = clients.get(session);
        switch (message.type()) {
            case REQUEST -> {
                stats.requests++;
                request(client, message);
            }
            case NOTIFICATION -> {
                if ("cancel".equals(message.method())) {
                    cancel(client, message);
                } else {
                    log.debug("{}: ignoring notification {}", session.name(), message.method());
                }
            }
            default -> {
                log.warn("{}: unexpected {} with id {} from a client; disconnecting", session.name(),
                        message.type().name().toLowerCase(Locale.ROOT), message.id());
                session.close();
            }
        }
    }

    private void request(ClientSession client, Message request) {
        try {
            JsonNode result = dispatch(client, request);
            if (result != null) {
                client.session.send(Message.reply(result, request.id()));
            }
        } catch (OvsdbException e) {
            client.session.send(Message.error(e.toJson(), request.id()));
        } catch (BareError e) {
            client.session.send(Message.error(e.getMessage(), request.id()));
        } catch (ReplayException e) {
            // The end or divergence of a replay is the whole process's, not this request's.
            throw e;
        } catch (RuntimeException e) {
            // A defect in handling one request must cost that request, not the server and its other clients.
            log.error("{}: internal error handling {} request {}", client.name(), request.method(), request.id(), e);
            client.session.send(Message.error(new OvsdbException("internal error", e.toString()).toJson(),
                    request.id()));
        }
    }

    /** An error that Open vSwitch sends as a bare string, which some clients test for exactly. */
    private static final class BareError extends Exception {
        private static final long serialVersionUID = 1L;

        BareError(String text) {
            super(text, null, false, false);
        }
    }

    /** Runs a request; returns its result, or null if the reply is sent later (a parked transaction). */
    private JsonNode dispatch(ClientSession client, Message request) throws OvsdbException, BareError {
        ArrayNode params = request.params();
        return switch (request.method()) {
            case "list_dbs" -> {
                ArrayNode names = Json.array();
                listOrder.forEach(names::add);
                yield names;
            }
            case "get_schema" -> database(request).schemaJson();
            case "transact" -> transact(client, request);
            case "monitor" -> monitors.monitor(client, database(request), request, Monitor.Version.V1);
            case "monitor_cond" -> monitors.monitor(client, database(request), request, Monitor.Version.V2);
            case "monitor_cond_since" -> monitors.monitor(client, database(request), request,
                    Monitor.Version.V3);
            case "monitor_cond_change" -> monitors.changeConditions(client, request);
            case "monitor_cancel" -> {
                if (params.size() != 1) {
                    throw new BareError("invalid parameters");
                }
                if (client.monitors.remove(params.get(0)) == null) {
                    throw new BareError("unknown monitor");
                }
                yield Json.NODES.objectNode();
            }
            case "lock", "steal" -> {
                refuseLocksIfReadOnly();
                yield locks.lock(client, request);
            }
            case "unlock" -> {
                refuseLocksIfReadOnly();
                yield locks.unlock(client, request);
            }
            case "echo" -> params;
            case "set_db_change_aware" -> {
                if (params.size() != 1 || !params.get(0).isBoolean()) {
                    throw OvsdbException.syntax(params, "set_db_change_aware: true or false parameter expected");
                }
                client.changeAware = params.get(0).booleanValue();
                yield Json.NODES.objectNode();
            }
            case "get_server_id" -> TextNode.valueOf(serverId.toString());
            default -> throw new BareError("unknown method");
        };
    }

    private void refuseLocksIfReadOnly() throws BareError {
        if (readOnly) {
            // ovsdb-server's words, before it reads the parameters.
            throw new BareError("lock and unlock methods not allowed, DB server is read only.");
        }
    }

    private ServedDatabase database(Message request) throws OvsdbException {
        ArrayNode params = request.params();
        if (params.isEmpty() || !params.get(0).isTextual()) {
            throw OvsdbException.syntax(params, request.method() + " request params must begin with <db-name>");
        }
        ServedDatabase served = databases.get(params.get(0).textValue());
        if (served == null) {
            throw new OvsdbException("unknown database", request.method() + " request specifies unknown database "
                    + params.get(0).textValue(), params);
        }
        return served;
    }

    private JsonNode transact(ClientSession client, Message request) throws OvsdbException {
        ServedDatabase served = database(request);
        if (parked.contains(client, request.id())) {
            throw OvsdbException.syntax(request.params(), "transact: duplicate request ID");
        }
        parked.submit(client, request, served);
        return null;
    }

    /**
     * Runs a transaction and, unless a {@code wait} parks it, commits what it prepared and answers it. Monitors hear
     * of the commit before the client gets its reply.
     */
    private Executor.Outcome attempt(ParkedTransactions.Trigger trigger, long elapsedMillis) {
        ArrayNode params = trigger.request.params();
        List<JsonNode> operations = new ArrayList<>(params.size() - 1);
        for (int i = 1; i < params.size(); i++) {
            operations.add(params.get(i));
        }
        ClientSession client = trigger.client;
        Executor executor = new Executor(trigger.database.db(), uuids, trigger.database.readOnly(),
                lock -> locks.owns(lock, client), elapsedMillis).limitReply(maxReplyBytes);
        if (readOnly) {
            executor.refuseWritesAsBackup();
        }
        Executor.Outcome outcome = executor.execute(operations);
        if (outcome.parked()) {
            return outcome;
        }
        if (outcome.prepared() != null) {
            try {
                commit(trigger.database, outcome.prepared());
            } catch (OvsdbException e) {
                outcome.commitFailed(e);
            }
        }
        client.session.send(Message.reply(outcome.results(), trigger.request.id()));
        return outcome;
    }

    /**
     * Stores {@code txn} in the database's file, then applies it and sends the monitors' updates.
     *
     * @throws OvsdbException an {@code "I/O error"} if it could not be stored; the database is then unchanged
     */
    private void commit(ServedDatabase served, PreparedTransaction txn) throws OvsdbException {
        if (txn.isEmpty()) {
            return;
        }
        Map<Table, List<RowChange>> changes = txn.changes();
        try {
            served.file().write(changes, txn.comment(), loop.clock().wallMillis(), txn.durable());
        } catch (IOException e) {
            log.error("{}: cannot write a transaction: {}", served.file().path(), e.toString());
            // As ovsdb-server words it: what failed in details, the system's reason in io-error.
            throw OvsdbException.io(served.file().path() + ": write failed", e.getMessage() == null ? e.toString()
                    : e.getMessage());
        }
        served.db().apply(changes);
        stats.transactions++;
        parked.committed();
        monitors.publish(clients.values(), served.db(), changes);
    }

    /**
     * Commits what replication prepared in {@code txn} on database {@code served}: stored, applied and sent to the
     * monitors as a client's transaction is, whether or not the server is read-only.
     *
     * @throws OvsdbException a failed commit check or an {@code "I/O error"}; the database is then unchanged
     */
    void commitReplicated(ServedDatabase served, Transaction txn) throws OvsdbException {
        commit(served, txn.prepare());
    }

    private void cancel(ClientSession client, Message message) {
        if (message.params().size() != 1) {
            return;
        }
        JsonNode id = message.params().get(0);
        // As ovsdb-server does: only clients that understand database changes are told.
        if (parked.cancel(client, id) && client.changeAware) {
            client.session.send(Message.error("canceled", id));
        }
    }

    /** Re-runs parked transactions after a commit or when a timeout passes. */
    public void run() {
        parked.run();
    }

    /** Registers the earliest deadline of a parked transaction, and an immediate wake-up after a commit. */
    public void waitAll() {
        parked.waitAll();
    }
}
