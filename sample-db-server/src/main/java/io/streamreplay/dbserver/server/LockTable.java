package io.streamreplay.dbserver.server;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/**
 * The named locks of RFC 7047 §4.1.8-4.1.10: for each name, a queue of clients whose head owns the lock. A
 * {@code steal} puts the thief at the head; the former owner stays queued and gets the lock back when the thief
 * releases it.
 *
 * <p>Loop thread only.
 */
final class LockTable {

    private final Map<String, Deque<ClientSession>> queues = new HashMap<>();

    /** Queues {@code client} for {@code name}; returns whether it owns the lock now. */
    boolean lock(String name, ClientSession client) {
        Deque<ClientSession> queue = queues.computeIfAbsent(name, n -> new ArrayDeque<>());
        queue.addLast(client);
        return queue.peekFirst() == client;
    }

    /** Makes {@code client} the owner of {@code name}; returns the former owner, or null. */
    ClientSession steal(String name, ClientSession client) {
        Deque<ClientSession> queue = queues.computeIfAbsent(name, n -> new ArrayDeque<>());
        ClientSession victim = queue.peekFirst();
        queue.addFirst(client);
        return victim;
    }

    /** Removes {@code client} from {@code name}'s queue; returns the client that now owns it, or null. */
    ClientSession unlock(String name, ClientSession client) {
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
