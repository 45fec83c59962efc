package io.streamreplay.dbserver.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.LongNode;
import io.streamreplay.jsonrpc.Json;
import io.streamreplay.jsonrpc.JsonRpcConnection;
import io.streamreplay.jsonrpc.Limits;
import io.streamreplay.jsonrpc.Message;
import io.streamreplay.poll.PollLoop;
import io.streamreplay.stream.TlsConfig;
import io.streamreplay.stream.TransportRegistry;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A minimal blocking OVSDB client over a real connection, for tests: requests wait for their reply while
 * notifications that arrive meanwhile are kept for {@link #awaitNotifications}.
 */
public final class OvsdbTestClient implements AutoCloseable {

    private static final long TIMEOUT_MILLIS = 20_000;

    private final PollLoop loop = PollLoop.live();
    private final JsonRpcConnection connection;
    private final List<Message> notifications = new ArrayList<>();
    private final Map<Long, Message> replies = new HashMap<>();
    private long nextId;

    private OvsdbTestClient(JsonRpcConnection connection) {
        this.connection = connection;
    }

    /** Connects to {@code remote} ({@code unix:}, {@code tcp:} or {@code ssl:}). */
    public static OvsdbTestClient connect(String remote, TlsConfig tls) throws IOException {
        PollLoop loop = PollLoop.live();
        JsonRpcConnection connection = new JsonRpcConnection(TransportRegistry.standard(tls).openBlocking(loop,
                remote, TIMEOUT_MILLIS), Limits.DEFAULT);
        loop.close();
        return new OvsdbTestClient(connection);
    }

    /** Sends a request built from {@code params} and returns its reply or error. */
    public Message request(String method, Object... params) throws IOException {
        return request(method, Json.array(params));
    }

    /** Sends a request and returns its reply or error. */
    public Message request(String method, ArrayNode params) throws IOException {
        return awaitReply(send(method, params));
    }

    /** Sends a request without waiting; returns its id for {@link #awaitReply}. */
    public long send(String method, Object... params) {
        return send(method, Json.array(params));
    }

    private long send(String method, ArrayNode params) {
        return resend(nextId++, method, params);
    }

    /** Sends a request under an id already used, as a misbehaving client would. */
    public long resend(long id, String method, ArrayNode params) {
        connection.send(Message.request(method, params, LongNode.valueOf(id)));
        connection.run();
        return id;
    }

    /** Sends a notification. */
    public void notify(String method, Object... params) {
        connection.send(Message.notification(method, Json.array(params)));
        connection.run();
    }

    /** Waits for the reply or error to request {@code id}. */
    public Message awaitReply(long id) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(TIMEOUT_MILLIS);
        while (!replies.containsKey(id)) {
            Message message = poll(deadline);
            if (message.type() == Message.Type.NOTIFICATION) {
                notifications.add(message);
            } else {
                replies.put(message.id().asLong(), message);
            }
        }
        return replies.remove(id);
    }

    /** The reply to request {@code id} if it has arrived, as text (for failure messages). */
    public String awaitReplyQuietly(long id) {
        try {
            return awaitReply(id).toString();
        } catch (IOException e) {
            return e.toString();
        }
    }

    /** Whether the reply to request {@code id} has arrived (without waiting for anything). */
    public boolean hasReply(long id) {
        return replies.containsKey(id);
    }

    /** The result of a successful request; fails on an error reply. */
    public JsonNode call(String method, Object... params) throws IOException {
        Message reply = request(method, params);
        if (reply.type() != Message.Type.REPLY) {
            throw new AssertionError(method + " failed: " + reply);
        }
        return reply.result();
    }

    /** Waits until at least {@code count} notifications arrived, and returns (and forgets) them. */
    public List<Message> awaitNotifications(int count) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(TIMEOUT_MILLIS);
        while (notifications.size() < count) {
            Message message = poll(deadline);
            if (message.type() == Message.Type.NOTIFICATION) {
                notifications.add(message);
            }
        }
        List<Message> received = new ArrayList<>(notifications);
        notifications.clear();
        return received;
    }

    private Message poll(long deadline) throws IOException {
        while (true) {
            connection.run();
            Message message = connection.recv();
            if (message != null && message.type() == Message.Type.REQUEST && message.method().equals("echo")) {
                // As every OVSDB client does: the server's inactivity probe is answered at once.
                connection.send(Message.reply(message.params(), message.id()));
                continue;
            }
            if (message != null) {
                return message;
            }
            if (connection.error() != null) {
                throw connection.error();
            }
            if (System.nanoTime() >= deadline) {
                throw new SocketTimeoutException(connection.name() + ": nothing received in time");
            }
            connection.waitRecv(loop, "test client");
            connection.waitSend(loop, "test client");
            loop.waitUntil(deadline, "test client timeout");
            loop.block();
        }
    }

    @Override
    public void close() {
        connection.close();
        loop.close();
    }
}
