package io.streamreplay.dbserver.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamreplay.dbserver.monitor.Monitor;
import io.streamreplay.jsonrpc.JsonRpcSession;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * What the server knows about one connected client: its monitors by id, the locks it holds or waits for, and
 * whether it asked to be told about database changes. One per connection: a reconnected outgoing session starts
 * afresh.
 *
 * <p>Loop thread only.
 */
final class ClientSession {

    final JsonRpcSession session;
    final Map<JsonNode, Monitor> monitors = new LinkedHashMap<>();
    final Set<String> locks = new LinkedHashSet<>();
    boolean changeAware;

    ClientSession(JsonRpcSession session) {
        this.session = session;
    }

    String name() {
        return session.name();
    }
}
