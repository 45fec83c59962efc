package io.streamreplay.dbserver.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamreplay.dbserver.data.Database;
import io.streamreplay.dbserver.data.RowChange;
import io.streamreplay.dbserver.data.Table;
import io.streamreplay.dbserver.monitor.Monitor;
import io.streamreplay.dbserver.protocol.OvsdbException;
import io.streamreplay.dbserver.protocol.ReplyBudget;
import io.streamreplay.dbserver.schema.BaseType;
import io.streamreplay.jsonrpc.Json;
import io.streamreplay.jsonrpc.Message;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The monitor requests of RFC 7047 §4.1.5 and Open vSwitch's extensions ({@code monitor_cond},
 * {@code monitor_cond_since}, {@code monitor_cond_change}), and the {@code update}, {@code update2} and
 * {@code update3} notifications a commit sends to every monitor of the changed database. A client's monitors live in
 * its {@link ClientSession}; {@code monitor_cancel} is the server's, since its errors are bare strings.
 *
 * <p>Loop thread only.
 */
final class MonitorRequests {

    private static final String ZERO_UUID = new UUID(0, 0).toString();

    private final long maxReplyBytes;

    /**
     * @param maxReplyBytes the heap the initial contents a monitor request replies with may take while they are
     *     built ({@link ReplyBudget})
     */
    MonitorRequests(long maxReplyBytes) {
        this.maxReplyBytes = maxReplyBytes;
    }

    /** Sends each client's monitors of {@code db} the updates that {@code changes}, just committed, make. */
    void publish(Collection<ClientSession> clients, Database db, Map<Table, List<RowChange>> changes) {
        for (ClientSession client : clients) {
            for (Monitor monitor : client.monitors.values()) {
                if (monitor.database() == db) {
                    ObjectNode updates = monitor.updates(changes);
                    if (updates != null) {
                        sendUpdates(client, monitor, updates);
                    }
                }
            }
        }
    }

    private static void sendUpdates(ClientSession client, Monitor monitor, ObjectNode updates) {
        ArrayNode params = Json.array().add(monitor.id());
        if (monitor.version() == Monitor.Version.V3) {
            params.add(ZERO_UUID);
        }
        params.add(updates);
        client.session.send(Message.notification(monitor.version().notification(), params));
    }

    /**
     * A {@code monitor}, {@code monitor_cond} or {@code monitor_cond_since} request on {@code served}, checked in
     * Open vSwitch's order with its errors: its reply, the initial contents.
     */
    JsonNode monitor(ClientSession client, ServedDatabase served, Message request, Monitor.Version version)
            throws OvsdbException {
        ArrayNode params = request.params();
        // Open vSwitch checks the count for monitor_cond and monitor_cond_since only (a short "monitor" request
        // crashes ovsdb-server 3.1); we refuse a short one of every kind.
        int expected = version == Monitor.Version.V3 ? 4 : 3;
        if (version == Monitor.Version.V1 ? params.size() < expected : params.size() != expected) {
            throw OvsdbException.syntax(params, "invalid parameters");
        }
        JsonNode id = params.get(1);
        JsonNode requests = params.get(2);
        if (!requests.isObject()) {
            throw OvsdbException.syntax(requests, "monitor-requests must be object");
        }
        if (client.monitors.containsKey(id)) {
            throw OvsdbException.syntax(id, "duplicate monitor ID");
        }
        Monitor monitor = Monitor.fromJson(id, version, served.db(), requests);
        if (version == Monitor.Version.V3) {
            JsonNode lastId = params.get(3);
            if (!lastId.isTextual()) {
                throw OvsdbException.syntax(lastId, "last-txn-id must be string");
            }
            if (!BaseType.isUuid(lastId.textValue())) {
                throw OvsdbException.syntax(lastId, "last-txn-id must be UUID format.");
            }
        }
        ObjectNode initial = monitor.initial(new ReplyBudget(maxReplyBytes));
        client.monitors.put(id, monitor);
        if (version == Monitor.Version.V3) {
            // Like a standalone ovsdb-server, keep no transaction history: always send everything.
            return Json.array().add(BooleanNode.FALSE).add(ZERO_UUID).add(initial);
        }
        return initial;
    }

    /** A {@code monitor_cond_change} request: sends the updates the new conditions make, then returns the reply. */
    JsonNode changeConditions(ClientSession client, Message request) throws OvsdbException {
        ArrayNode params = request.params();
        if (params.size() != 3) {
            throw OvsdbException.syntax(params, "invalid parameters");
        }
        Monitor monitor = client.monitors.get(params.get(0));
        if (monitor == null) {
            throw OvsdbException.syntax(params.get(0), "unknown monitor session");
        }
        JsonNode newId = params.get(1);
        if (!newId.equals(params.get(0)) && client.monitors.containsKey(newId)) {
            throw OvsdbException.syntax(newId, "duplicate monitor ID");
        }
        ObjectNode updates = monitor.changeConditions(params.get(2));
        if (!newId.equals(params.get(0))) {
            client.monitors.remove(params.get(0));
            Monitor renamed = monitor.withId(newId);
            client.monitors.put(newId, renamed);
            monitor = renamed;
        }
        if (updates != null) {
            sendUpdates(client, monitor, updates);
        }
        return Json.NODES.objectNode();
    }
}
