package io.streamreplay.dbserver.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamreplay.dbserver.protocol.MemberParser;
import io.streamreplay.dbserver.protocol.OvsdbException;
import io.streamreplay.jsonrpc.Json;
import io.streamreplay.jsonrpc.Message;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/**
 * The named locks of RFC 7047 §4.1.8-4.1.10 and their requests: for each name, a queue of clients whose head owns
 * the lock. A {@code steal} puts the thief at the head; the former owner stays queued and gets the lock back when
 * the thief releases it. A client is told by a {@code locked} notification when it comes to own a lock it waited
 * for, and by {@code stolen} when another takes it.
 *
 * <p>Loop thread only.
 */
final class LockTable {

    private final Map<String, Deque<ClientSession>> queues = new HashMap<>();

    /** A {@code lock} or {@code steal} request: its reply, {@code {"locked": OWNER}}. */
    JsonNode lock(ClientSession client, Message request) throws OvsdbException {
        String name = lockName(request);
        if (client.locks.contains(name)) {
            throw OvsdbException.syntax(request.params(), "must issue \"unlock\" before new \"" + request.method()
                    + "\"");
        }
        client.locks.add(name);
        boolean owner;
        if (request.method().equals("steal")) {
            ClientSession victim = steal(name, client);
            if (victim != null) {
                notify(victim, "stolen", name);
            }
            owner = true;
        } else {
            owner = enqueue(name, client);
        }
        ObjectNode result = Json.NODES.objectNode();
        result.put("locked", owner);
        return result;
    }

    /** An {@code unlock} request: its reply, {@code {}}. */
    JsonNode unlock(ClientSession client, Message request) throws OvsdbException {
        String name = lockName(request);
        if (!client.locks.remove(name)) {
            throw OvsdbException.syntax(request.params(), "unlock: \"unlock\" without \"lock\" or \"steal\"");
        }
        ClientSession next = dequeue(name, client);
        if (next != null) {
            notify(next, "locked", name);
        }
        return Json.NODES.objectNode();
    }

    private static String lockName(Message request) throws OvsdbException {
        ArrayNode params = request.params();
        if (params.size() != 1 || !params.get(0).isTextual()
                || !MemberParser.isId(params.get(0).textValue())) {
            throw OvsdbException.syntax(params, request.method() + " request params must be <id>");
        }
        return params.get(0).textValue();
    }

    private static void notify(ClientSession client, String method, String lock) {
        client.session.send(Message.notification(method, Json.array().add(lock)));
    }

    /** Releases every lock {@code client} holds or waits for, handing each to the next in line: it has gone. */
    void release(ClientSession client) {
        for (String lock : client.locks) {
            ClientSession next = dequeue(lock, client);
            if (next != null) {
                notify(next, "locked", lock);
            }
        }
        client.locks.clear();
    }

    /** Queues {@code client} for {@code name}; returns whether it owns the lock now. */
    private boolean enqueue(String name, ClientSession client) {
        Deque<ClientSession> queue = queues.computeIfAbsent(name, n -> new ArrayDeque<>());
        queue.addLast(client);
        return queue.peekFirst() == client;
    }

    /** Makes {@code client} the owner of {@code name}; returns the former owner, or null. */
    private ClientSession steal(String name, ClientSession client) {
        Deque<ClientSession> queue = queues.computeIfAbsent(name, n -> new ArrayDeque<>());
        ClientSession victim = queue.peekFirst();
        queue.addFirst(client);
        return victim;
    }

    /** Removes {@code client} from {@code name}'s queue; returns the client that now owns it, or null. */
    private ClientSession dequeue(String name, ClientSession client) {
        Deque<ClientSession> queue = queues.get(name);
        if (queue == null) {
            return null;
        }
        boolean wasOwner = queue.peekFirst() == client;
        queue.remove(client);
        if (queue.isEmpty()) {
            queues.remove(name);
            return null;
        }
        return wasOwner ? queue.peekFirst() : null;
    }

    /** Whether {@code client} owns {@code name}. */
    boolean owns(String name, ClientSession client) {
        Deque<ClientSession> queue = queues.get(name);
        return queue != null && queue.peekFirst() == client;
    }
}
