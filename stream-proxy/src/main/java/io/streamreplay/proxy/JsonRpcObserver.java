package io.streamreplay.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamreplay.jsonrpc.Message;
import io.streamreplay.jsonrpc.MessageParser;
import io.streamreplay.jsonrpc.ProtocolException;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts JSON-RPC 1.0 messages each way by type ({@code request}, {@code notification}, {@code reply},
 * {@code error}) and measures the latency of the client's requests: from the request's arrival from the client to
 * its reply's (or error's) arrival from the upstream, matched by id.
 *
 * <p>Bytes that are not JSON-RPC (or a message over {@value #MAX_MESSAGE_BYTES} bytes) end the observation of that
 * direction, with one warning; they are still forwarded. At most {@value #MAX_PENDING} requests are timed at once
 * per connection, so a client that never gets replies cannot grow the proxy's memory. Loop thread only.
 */
final class JsonRpcObserver implements MessageObserver {

    private static final Logger log = LoggerFactory.getLogger(JsonRpcObserver.class);

    /** The largest message parsed, in bytes; the parser holds at most this much of one. */
    static final long MAX_MESSAGE_BYTES = 16L << 20;
    /** The most requests timed at once on one connection. */
    static final int MAX_PENDING = 4096;

    private final String connection;
    private final Meter meter;
    private final MessageParser[] parsers = {new MessageParser(MAX_MESSAGE_BYTES),
            new MessageParser(MAX_MESSAGE_BYTES)};
    private final boolean[] stopped = new boolean[2];
    /** Request ids (as JSON text) of the client's requests awaiting a reply, with their arrival time. */
    private final Map<String, Long> pending = new HashMap<>();

    JsonRpcObserver(String connection, Meter meter) {
        this.connection = connection;
        this.meter = meter;
    }

    @Override
    public void observe(Direction direction, byte[] bytes, int offset, int length, long now) {
        int d = direction == Direction.UPSTREAM ? 0 : 1;
        if (stopped[d]) {
            return;
        }
        try {
            MessageParser parser = parsers[d];
            parser.feed(bytes, offset, length);
            JsonNode json;
            while ((json = parser.next()) != null) {
                count(direction, Message.fromJson(json), now);
            }
        } catch (ProtocolException e) {
            stopped[d] = true;
            parsers[d] = null;
            if (direction == Direction.DOWNSTREAM) {
                pending.clear();
            }
            log.warn("{}: what the {} sends is not JSON-RPC ({}); counting its bytes only", connection,
                    direction == Direction.UPSTREAM ? "client" : "upstream", e.getMessage());
        }
    }

    private void count(Direction direction, Message message, long now) {
        Message.Type type = message.type();
        meter.message(direction, type.name().toLowerCase(Locale.ROOT));
        if (direction == Direction.UPSTREAM && type == Message.Type.REQUEST) {
            if (pending.size() < MAX_PENDING) {
                pending.put(message.id().toString(), now);
            }
        } else if (direction == Direction.DOWNSTREAM && (type == Message.Type.REPLY || type == Message.Type.ERROR)) {
            Long sent = pending.remove(message.id().toString());
            if (sent != null) {
                meter.latency(now - sent);
            }
        }
    }
}
