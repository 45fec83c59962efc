package io.streamreplay.testing;

import com.fasterxml.jackson.databind.node.LongNode;
import io.streamreplay.jsonrpc.Json;
import io.streamreplay.jsonrpc.JsonRpcConnection;
import io.streamreplay.jsonrpc.Limits;
import io.streamreplay.jsonrpc.Message;
import io.streamreplay.poll.PollLoop;
import io.streamreplay.stream.StreamProvider;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** A blocking client of {@link CounterServer}, as a simple program would write one. */
public final class CounterClient implements AutoCloseable {

    private final PollLoop loop;
    private final JsonRpcConnection connection;
    private long nextId;

    /** Connects to {@code name} with its own loop. */
    public CounterClient(StreamProvider streams, PollLoop loop, String name) throws IOException {
        this.loop = loop;
        this.connection = new JsonRpcConnection(streams.openBlocking(loop, name, 10_000), Limits.DEFAULT);
    }

    /** Calls {@code method} with {@code params} and returns the reply. */
    public Message call(String method, Object... params) throws IOException {
        return connection.transactBlocking(loop, Message.request(method, Json.array(params),
                LongNode.valueOf(nextId++)), 10_000);
    }

    /** Sends a notification. */
    public void notify(String method, Object... params) {
        connection.send(Message.notification(method, Json.array(params)));
    }

    /** Runs a standard session: {@code adds} additions of 1, two UUIDs, a notification, an unknown method. */
    public List<String> standardSession(int adds) throws IOException {
        List<String> replies = new ArrayList<>();
        for (int i = 0; i < adds; i++) {
            replies.add(call("add", 1).toString());
        }
        replies.add(call("uuid").toString());
        replies.add(call("uuid").toString());
        notify("hello", "world");
        replies.add(call("frobnicate").toString());
        return replies;
    }

    @Override
    public void close() {
        connection.run();
        connection.close();
        loop.close();
    }
}
