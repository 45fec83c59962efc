package io.streamreplay.tool.drive;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamreplay.jsonrpc.MessageParser;
import io.streamreplay.jsonrpc.ProtocolException;
import io.streamreplay.replay.RecordType;
import io.streamreplay.replay.RecordedEvent;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One recorded client connection, built from the recording's events as they are read: the {@link Step}s its client
 * took, each with the replies it waited for, and the replies the recorded server gave. Steps and replies are taken
 * out by the drive as it goes, so a connection holds only what is read but not yet driven.
 *
 * <p>The client's bytes are the data its accepted stream received. The replies are either in full, the data the
 * paired upstream stream of a stream-proxy recording received ({@link #hasContent()}), or known by length and
 * CRC-32C only, from the sends of the accepted stream (a library server's recording). What the client had received
 * before each of its steps is what was sent to it: the sends of its accepted stream. Loop thread only.
 */
final class RecordedConnection {

    /**
     * A reply or notification of the recorded server, in full. Held as its bytes, which take a fraction of the memory
     * of its tree, and parsed again when compared.
     */
    // The bytes are the recording's, never modified.
    @SuppressWarnings("ArrayRecordComponent")
    record ExpectedMessage(long seq, byte[] bytes) {

        /** The message as a tree, parsed as the live messages are (the library's parser, Open vSwitch's rules). */
        JsonNode json() {
            MessageParser parser = new MessageParser(JsonFraming.MAX_MESSAGE);
            try {
                parser.feed(bytes, 0, bytes.length);
                return parser.next();
            } catch (ProtocolException e) {
                throw new IllegalStateException("a message read once no longer parses: " + e.getMessage(), e);
            }
        }
    }

    /** A chunk of the recorded server's bytes, in full. */
    @SuppressWarnings("ArrayRecordComponent")
    record ExpectedBytes(long seq, byte[] bytes) {
    }

    /** A chunk the recorded server sent, known by its length and CRC-32C. */
    record ExpectedDigest(long seq, int length, int crc) {
    }

    /** Where a message of the recorded server ends in its stream, and what it was. */
    private record Mark(long end, String id, boolean notification, int units) {
    }

    final int number;
    final String name;
    final String listener;
    final long openSeq;
    private boolean jsonRpc;
    private final boolean retain;
    private final Held held;
    private final ReplyOrder order;
    private final Map<String, Integer> deliveredIds = new HashMap<>();
    private String upstreamFile;

    private final ArrayDeque<Step> steps = new ArrayDeque<>();
    private final RecordedReplies replies;

    private JsonFraming clientFraming;
    private JsonFraming replyFraming;
    private final ArrayDeque<Mark> marks = new ArrayDeque<>();
    private List<String> awaiting = new ArrayList<>();
    private final List<String> unanswered = new ArrayList<>();
    private long delivered;
    private int notificationsDelivered;
    private Step lastSend;
    private boolean ended;
    private boolean complete;
    /** Why the client's bytes are not JSON-RPC, once found (they are then counted as raw chunks only). */
    private String notJsonRpc;

    // What the connection held in all, for summaries and the progress bar.
    long requests;
    long chunks;
    long messages;
    long answersDropped;
    long bytesSent;
    long replyBytesRecorded;
    long repliesRecorded;
    long notificationsRecorded;
    /** Row changes (or whole notifications) of the notifications read: what grouping does not change. */
    long notificationUnitsRecorded;
    long firstTime = -1;
    long lastTime;
    long lastStepTime;
    long openDue;

    /** Bytes held by every connection of a drive for steps and replies not yet taken: bounds the read-ahead. */
    static final class Held {
        long bytes;
    }

    /**
     * @param jsonRpc whether the client's bytes are framed as JSON-RPC messages (else as the chunks received)
     * @param retain whether steps and replies are kept for a drive (else only counted, for a summary)
     */
    RecordedConnection(int number, String name, String listener, long openSeq, boolean jsonRpc, boolean retain,
            Held held, ReplyOrder order) {
        this.order = order;
        this.number = number;
        this.name = name;
        this.listener = listener;
        this.openSeq = openSeq;
        this.jsonRpc = jsonRpc;
        this.retain = retain;
        this.held = held;
        this.replies = new RecordedReplies(held);
        if (jsonRpc) {
            clientFraming = new JsonFraming();
        }
    }

    /** Pairs the connection with the upstream stream a stream-proxy opened for it: its replies in full. */
    void pairUpstream(String file) {
        upstreamFile = file;
        if (jsonRpc) {
            replyFraming = new JsonFraming();
        }
    }

    /** The file of the paired upstream stream, or null. */
    String upstreamFile() {
        return upstreamFile;
    }

    /** Whether the recorded replies are in full (stream-proxy), rather than length and CRC only. */
    boolean hasContent() {
        return upstreamFile != null;
    }

    boolean isJsonRpc() {
        return jsonRpc;
    }

    /** The recorded accept: the step that opens the connection. */
    Step opened(RecordedEvent accept) {
        note(accept);
        Step open = Step.open(accept.seq(), accept.time());
        lastStepTime = accept.time();
        add(open);
        return open;
    }

    /**
     * An event of the client's own stream.
     *
     * @return the steps it makes, in order (often none)
     * @throws ProtocolException if the client's bytes are not JSON-RPC while framed as such
     */
    List<Step> clientEvent(RecordedEvent event) throws ProtocolException {
        note(event);
        return switch (event.type()) {
            case RECV_DATA -> received(event);
            case RECV_EOF -> List.of(end(Step.Kind.SHUTDOWN, event));
            case RECV_ERROR -> List.of(end(Step.Kind.RESET, event));
            case SEND_OK -> {
                sentToClient(event);
                yield List.of();
            }
            default -> List.of();
        };
    }

    /**
     * An event of the paired upstream stream: its received data are the replies, in full.
     *
     * @throws ProtocolException if the replies are not JSON-RPC while the client's requests are
     */
    void upstreamEvent(RecordedEvent event) throws ProtocolException {
        note(event);
        if (event.type() != RecordType.RECV_DATA) {
            return;
        }
        replyBytesRecorded += event.payload().length;
        if (replyFraming == null) {
            if (retain) {
                replies.addBytes(new ExpectedBytes(event.seq(), event.payload()));
            }
            return;
        }
        replyFraming.feed(event.payload());
        JsonFraming.Framed message;
        while ((message = replyFraming.next()) != null) {
            JsonNode json = message.json();
            String id = idKey(json.get("id"));
            boolean notification = json.has("method") && id == null;
            if (json.has("method") && id != null) {
                marks.add(new Mark(message.end(), null, false, 0)); // the server's own request: not a reply
                continue;
            }
            int units = notification ? NotificationCheck.units(json) : 0;
            marks.add(new Mark(message.end(), id, notification, units));
            ExpectedMessage expected = new ExpectedMessage(event.seq(), message.bytes());
            if (notification) {
                notificationsRecorded++;
                notificationUnitsRecorded += units;
            } else {
                repliesRecorded++;
            }
            if (retain && notification) {
                replies.addNotification(expected);
            } else if (retain) {
                replies.addReply(id, expected);
            }
        }
    }

    private List<Step> received(RecordedEvent event) throws ProtocolException {
        byte[] data = event.payload();
        bytesSent += data.length;
        chunks++;
        if (!jsonRpc) {
            requests++;
            Step step = new Step(Step.Kind.SEND, event.seq(), event.time(), data, null, null, true, List.of(),
                    delivered, 0);
            sent(step);
            return List.of(step);
        }
        List<Step> made = new ArrayList<>();
        clientFraming.feed(data);
        JsonFraming.Framed message;
        while ((message = clientFraming.next()) != null) {
            JsonNode json = message.json();
            messages++;
            if (!json.has("method")) {
                answersDropped++; // an answer to the recorded server's request: the drive answers the target's
                continue;
            }
            String id = idKey(json.get("id"));
            JsonNode method = json.get("method");
            Step step = new Step(Step.Kind.SEND, event.seq(), event.time(), message.bytes(), id,
                    method.isTextual() ? method.asText() : method.toString(), id != null, takeAwaiting(), 0,
                    notificationsDelivered);
            if (id != null) {
                requests++;
                unanswered.add(id);
            }
            sent(step);
            made.add(step);
        }
        return made;
    }

    private void sent(Step step) {
        lastSend = step;
        lastStepTime = step.recordedTime;
        add(step);
    }

    private Step end(Step.Kind kind, RecordedEvent event) {
        Step step = new Step(kind, event.seq(), event.time(), null, null, null, false, takeAwaiting(),
                jsonRpc ? 0 : delivered, notificationsDelivered);
        ended = true;
        lastStepTime = event.time();
        add(step);
        return step;
    }

    /** The recorded server sent bytes to the client: from here on, the client had them. */
    private void sentToClient(RecordedEvent event) {
        int length = event.length();
        delivered += length;
        if (lastSend != null) {
            lastSend.replyEnd = delivered;
        }
        if (hasContent()) {
            while (!marks.isEmpty() && marks.peek().end() <= delivered) {
                Mark mark = marks.poll();
                if (mark.notification()) {
                    notificationsDelivered += mark.units();
                } else if (mark.id() != null) {
                    awaitReply(mark.id());
                }
            }
            if (!jsonRpc) {
                order.delivered(this, null, 0, delivered);
            }
            return;
        }
        // Without the replies, what the client had been answered is taken to be every request the server had
        // received when it sent this: a library server answers in order.
        unanswered.forEach(this::awaitReply);
        unanswered.clear();
        if (!jsonRpc) {
            order.delivered(this, null, 0, delivered);
        }
        replyBytesRecorded += length;
        if (retain) {
            replies.addDigest(new ExpectedDigest(event.seq(), length, ByteBuffer.wrap(event.payload()).getInt(4)));
        }
    }

    private void awaitReply(String id) {
        awaiting.add(id);
        order.delivered(this, id, deliveredIds.merge(id, 1, Integer::sum), 0);
    }

    private List<String> takeAwaiting() {
        if (awaiting.isEmpty()) {
            return List.of();
        }
        List<String> taken = awaiting;
        awaiting = new ArrayList<>();
        return taken;
    }

    private void add(Step step) {
        step.repliesBefore = order.count();
        if (retain) {
            steps.add(step);
            held.bytes += step.bytes == null ? 0 : step.bytes.length;
        }
    }

    private void note(RecordedEvent event) {
        if (firstTime < 0) {
            firstTime = event.time();
        }
        lastTime = Math.max(lastTime, event.time());
    }

    /** The JSON-RPC id as a key (its JSON text), or null for none or null. */
    static String idKey(JsonNode id) {
        return id == null || id.isNull() ? null : id.toString();
    }

    // What the drive takes out.

    /** The next step, or null if none is read yet (or left). */
    Step peekStep() {
        return steps.peek();
    }

    Step pollStep() {
        Step step = steps.poll();
        if (step != null && step.bytes != null) {
            held.bytes -= step.bytes.length;
        }
        return step;
    }

    /** Whether the client's last step is read: it ended its sending, reset, or the recording ended. */
    boolean scriptEnded() {
        return ended || complete;
    }

    /** Marks every event of the recording as read. */
    void recordingRead() {
        complete = true;
    }

    /** Whether every event of the recording has been read: what is not here now never will be. */
    boolean complete() {
        return complete;
    }

    /** What the recorded server sent, held for the drive's checks. */
    RecordedReplies replies() {
        return replies;
    }

    /** Why the client's bytes turned out not to be JSON-RPC, or null. */
    String notJsonRpc() {
        return notJsonRpc;
    }

    /** The client's bytes (or its replies) are not JSON-RPC: from here on, they are counted as raw chunks. */
    void notJsonRpc(String why) {
        notJsonRpc = why;
        jsonRpc = false;
        clientFraming = null;
        replyFraming = null;
    }

    /** Counts only: drops what was made for a drive (a summary keeps nothing). */
    void discard() {
        steps.clear();
    }
}
