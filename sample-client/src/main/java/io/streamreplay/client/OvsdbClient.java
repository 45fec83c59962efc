package io.streamreplay.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.LongNode;
import io.streamreplay.jsonrpc.Json;
import io.streamreplay.jsonrpc.JsonRpcConnection;
import io.streamreplay.jsonrpc.Message;
import io.streamreplay.poll.PollLoop;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.TimeUnit;

/**
 * One blocking OVSDB connection for the command-line client: requests wait for their reply; notifications that
 * arrive meanwhile are queued for {@link #nextNotification}; the server's {@code echo} probes are answered.
 *
 * <p>Single-threaded.
 */
public final class OvsdbClient implements AutoCloseable {

    private final ClientRuntime runtime;
    private final JsonRpcConnection connection;
    private final Deque<Message> notifications = new ArrayDeque<>();
    private long nextId;

    OvsdbClient(ClientRuntime runtime, JsonRpcConnection connection) {
        this.runtime = runtime;
        this.connection = connection;
    }

    /** The connection's name, such as {@code tcp:127.0.0.1:6640}. */
    public String name() {
        return connection.name();
    }

    /** The underlying connection, for callers that drive several at once. */
    public JsonRpcConnection connection() {
        return connection;
    }

    /** Sends a request and returns its reply or error message. */
    public Message request(String method, ArrayNode params) throws ClientException {
        LongNode id = LongNode.valueOf(nextId++);
        connection.send(Message.request(method, params, id));
        long deadline = deadline();
        while (true) {
            Message message = receive(deadline, method);
            if (message.type() == Message.Type.NOTIFICATION) {
                notifications.add(message);
            } else if ((message.type() == Message.Type.REPLY || message.type() == Message.Type.ERROR)
                    && id.equals(message.id())) {
                return message;
            }
        }
    }

    /** Sends a request with {@code params} built from the arguments; see {@link #call(String, ArrayNode)}. */
    public JsonNode call(String method, Object... params) throws ClientException {
        return call(method, Json.array(params));
    }

    /** Sends a request; returns its result, or fails with the server's error, readably. */
    public JsonNode call(String method, ArrayNode params) throws ClientException {
        Message reply = request(method, params);
        if (reply.type() == Message.Type.ERROR) {
            throw new ClientException(ClientException.FAILED, name() + ": " + method + " failed: "
                    + ErrorText.of(reply.error()));
        }
        return reply.result();
    }

    /** The next notification, waiting as long as it takes; null if the user pressed Ctrl-C. */
    public Message nextNotification() throws ClientException {
        while (notifications.isEmpty()) {
            Message message = receive(Long.MAX_VALUE, "a notification");
            if (message == null) {
                return null;
            }
            if (message.type() == Message.Type.NOTIFICATION) {
                return message;
            }
        }
        return notifications.poll();
    }

    /** Receives one message (answering echo requests); null only when interrupted while waiting forever. */
    private Message receive(long deadline, String what) throws ClientException {
        PollLoop loop = runtime.loop();
        while (true) {
            connection.run();
            Message message = connection.recv();
            if (message != null) {
                if (message.type() == Message.Type.REQUEST && "echo".equals(message.method())) {
                    connection.send(Message.reply(message.params(), message.id()));
                    continue;
                }
                return message;
            }
            IOException error = connection.error();
            if (error != null) {
                throw new ClientException(ClientException.FAILED, name() + ": " + (connection.isEof()
                        ? "the server closed the connection" : "connection failed: " + error.getMessage()), error);
            }
            if (runtime.interrupted()) {
                if (deadline == Long.MAX_VALUE) {
                    return null;
                }
                throw new ClientException(ClientException.INTERRUPTED, "interrupted");
            }
            if (loop.now() >= deadline) {
                throw new ClientException(ClientException.FAILED, name() + ": no reply to " + what + " within "
                        + TimeUnit.MILLISECONDS.toSeconds(runtime.timeoutMillis()) + " s");
            }
            connection.waitRecv(loop, "ovsdb client");
            connection.waitSend(loop, "ovsdb client");
            if (deadline != Long.MAX_VALUE) {
                loop.waitUntil(deadline, "reply timeout");
            }
            loop.block();
        }
    }

    private long deadline() {
        return runtime.loop().now() + TimeUnit.MILLISECONDS.toNanos(runtime.timeoutMillis());
    }

    @Override
    public void close() {
        connection.close();
    }
}
