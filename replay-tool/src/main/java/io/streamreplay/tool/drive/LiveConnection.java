package io.streamreplay.tool.drive;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamreplay.jsonrpc.Json;
import io.streamreplay.jsonrpc.ProtocolException;
import io.streamreplay.poll.PollLoop;
import io.streamreplay.stream.Stream;
import io.streamreplay.tool.drive.RecordedConnection.ExpectedMessage;
import io.streamreplay.tool.drive.ReplyComparison.Difference;
import io.streamreplay.tool.text.PayloadText;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The live connection to the target that stands for one recorded client connection: takes its steps when the
 * {@link Driver} says they are due and they are ready (connected, and the replies the recorded client had are in),
 * reads what the target sends, answers its echo requests, times and compares every reply. Loop thread only.
 */
final class LiveConnection {

    /** Bytes queued to send at most before further steps wait: the target reads slower than the drive sends. */
    private static final int MAX_QUEUED = 4 << 20;
    /** Recorded row changes held unmatched at most before no more are taken in: the target has diverged. */
    private static final int MAX_UNMATCHED = 10_000;

    private enum State {
        NOT_OPEN, CONNECTING, OPEN, SHUT, CLOSED
    }

    /** A request sent: its step and when. */
    private record Sent(Step step, long at) {
    }

    /** A live message, with the request it answers (or, for a notification, the last one sent before it). */
    private record Live(JsonFraming.Framed message, Step request) {
    }

    final RecordedConnection recorded;
    private final Driver driver;
    private final DriveOptions options;
    private final DriveReport report;
    private final ReplyComparison comparison;
    private final UuidMap uuids;
    private Stream stream;
    private State state = State.NOT_OPEN;
    private final ArrayDeque<ByteBuffer> out = new ArrayDeque<>();
    private long queued;
    private boolean shutdownPending;
    private final ByteBuffer in = ByteBuffer.allocate(64 << 10);
    private final JsonFraming framing;
    private final Map<String, Sent> outstanding = new LinkedHashMap<>();
    private final Map<String, Integer> answered = new HashMap<>();
    private final ArrayDeque<Sent> rawSends = new ArrayDeque<>();
    private final ArrayDeque<Live> held = new ArrayDeque<>();
    private final DigestCheck digests;
    private final ByteCheck bytes;
    private final NotificationCheck notificationCheck;
    private Step lastSent;
    private long received;
    private int notifications;
    private boolean liveEnded;
    private boolean stopped;
    private boolean diverged;
    /** Since when the connection waits to be settled (its last step taken), on the loop's clock; -1 before. */
    private long settlingSince = -1;
    /** Since when the head step has waited for replies, on the loop's clock; -1 while it does not. */
    private long gatedSince = -1;

    LiveConnection(RecordedConnection recorded, Driver driver, DriveOptions options, DriveReport report,
            ReplyComparison comparison, UuidMap uuids) {
        this.recorded = recorded;
        this.driver = driver;
        this.options = options;
        this.report = report;
        this.comparison = comparison;
        this.uuids = uuids;
        this.framing = recorded.isJsonRpc() ? new JsonFraming() : null;
        boolean lengthOnly = options.compare() == DriveOptions.Compare.LENGTH;
        this.digests = recorded.hasContent() ? null : new DigestCheck(recorded, lengthOnly);
        this.bytes = recorded.hasContent() && !recorded.isJsonRpc() ? new ByteCheck(recorded, lengthOnly) : null;
        this.notificationCheck = recorded.hasContent() && recorded.isJsonRpc()
                ? new NotificationCheck(comparison, uuids) : null;
    }

    /** Whether the connection is over: closed, by the script, the target, a failure or a stop. */
    boolean finished() {
        return state == State.CLOSED;
    }

    /**
     * Whether the live drive has seen the recorded reply delivery {@code delivery} of this connection, or never will
     * (the connection is over).
     */
    boolean arrived(ReplyOrder.Delivery delivery) {
        if (state == State.CLOSED || stopped) {
            return true;
        }
        if (delivery.id() == null) {
            return received >= delivery.bytes();
        }
        return answered.getOrDefault(delivery.id(), 0) >= delivery.nth();
    }

    /** Whether the connection has not been opened yet. */
    boolean notOpened() {
        return state == State.NOT_OPEN;
    }

    /** Whether {@code step}, its next, can be taken now. */
    boolean ready(Step step, long now) {
        if (stopped || state == State.CLOSED) {
            return false;
        }
        if (step.kind == Step.Kind.OPEN) {
            return true;
        }
        if (state != State.OPEN || queued > MAX_QUEUED) {
            return false;
        }
        boolean replied = (!options.causal() || driver.repliesCaughtUp() >= step.repliesBefore)
                && received >= step.awaitBytes
                && (step.awaitIds.isEmpty() || step.awaitIds.stream().noneMatch(outstanding::containsKey));
        boolean notified = notifications >= step.awaitNotifications
                || (gatedSince >= 0 && now - gatedSince > options.replyTimeoutNanos());
        if (replied && notified) {
            gatedSince = -1;
            return true;
        }
        if (gatedSince < 0) {
            gatedSince = now;
        }
        return false;
    }

    /** Takes {@code step}, the next one, which is {@link #ready}. */
    void take(Step step, long now) throws IOException {
        recorded.pollStep();
        switch (step.kind) {
            case OPEN -> open();
            case SEND -> {
                byte[] data = uuids.rewrite(step.bytes);
                queue(data);
                lastSent = step;
                driver.sent(step);
                report.messagesSent++;
                report.bytesSent += data.length;
                if (step.id != null) {
                    outstanding.put(step.id, new Sent(step, now));
                }
                if (step.request) {
                    report.requests++;
                    if (framing == null) {
                        rawSends.add(new Sent(step, now));
                    }
                }
                flush();
            }
            case SHUTDOWN -> {
                shutdownPending = true;
                flush();
            }
            case RESET -> {
                stream.reset();
                close();
            }
        }
        if (recorded.peekStep() == null && recorded.scriptEnded() && settlingSince < 0) {
            settlingSince = now;
        }
    }

    private void open() {
        report.connections++;
        try {
            stream = driver.openTarget();
            state = State.CONNECTING;
        } catch (IOException e) {
            refused(e);
        }
    }

    private void refused(IOException e) {
        report.connectionsFailed++;
        driver.refused(e);
        diverge(recorded.openSeq, "the target refused the connection", null, "a connection (the recorded server"
                + " accepted it)", e.getMessage());
        close();
    }

    /** Stops taking steps (a limit was reached); the connection closes once its requests are answered. */
    void stop(long now) {
        stopped = true;
        if (state == State.NOT_OPEN) {
            state = State.CLOSED;
        } else if (settlingSince < 0) {
            settlingSince = now;
        }
    }

    /** Does what can be done now: connect, send, receive, compare, time out. */
    void run(long now) {
        try {
            if (state == State.CONNECTING) {
                if (!stream.connect()) {
                    return;
                }
                state = State.OPEN;
                driver.connected();
            }
            if (state == State.OPEN || state == State.SHUT) {
                flush();
                receive(now);
            }
        } catch (IOException e) {
            if (state == State.CONNECTING) {
                refused(e);
            } else {
                failed(e.getMessage());
            }
            return;
        }
        retryHeld();
        takeRecordedNotifications(false);
        if (state != State.CLOSED) {
            timeouts(now);
        }
    }

    private void queue(byte[] data) {
        out.add(ByteBuffer.wrap(data));
        queued += data.length;
    }

    private void flush() throws IOException {
        if (state != State.OPEN) {
            return;
        }
        while (!out.isEmpty()) {
            ByteBuffer head = out.peek();
            int n = stream.send(head);
            queued -= n;
            if (head.hasRemaining()) {
                return;
            }
            out.poll();
        }
        if (shutdownPending && stream.shutdownSend()) {
            shutdownPending = false;
            state = State.SHUT;
        }
    }

    private void receive(long now) throws IOException {
        while (state == State.OPEN || state == State.SHUT) {
            in.clear();
            int n = stream.recv(in);
            if (n == 0) {
                return;
            }
            if (n < 0) {
                ended();
                return;
            }
            byte[] data = Arrays.copyOf(in.array(), n);
            received += n;
            report.bytesReceived += n;
            if (framing != null) {
                try {
                    framing.feed(data);
                    JsonFraming.Framed message;
                    while ((message = framing.next()) != null) {
                        message(message, now);
                    }
                } catch (ProtocolException e) {
                    failed("the target sent what is not JSON-RPC: " + e.getMessage());
                    return;
                }
            } else {
                rawReceived(data, now);
            }
        }
    }

    private void ended() {
        liveEnded = true;
        if (!outstanding.isEmpty() && !stopped) {
            Sent oldest = outstanding.values().iterator().next();
            diverge(oldest.step().seq, "the target closed the connection without replying", describe(oldest.step()),
                    "a reply (the recording holds one)", "end of stream");
        }
        if (state == State.OPEN && (recorded.peekStep() != null || !recorded.scriptEnded()) && !stopped) {
            Step next = recorded.peekStep();
            diverge(next != null ? next.seq : -1, "the target closed the connection", describe(lastSent),
                    "the connection open" + (next != null ? " for " + next.describe() : ""), "end of stream");
        }
        close();
    }

    private void failed(String why) {
        if (!stopped) {
            diverge(lastSent != null ? lastSent.seq : recorded.openSeq, "the connection failed", describe(lastSent),
                    "the connection working", why);
        }
        close();
    }

    private void close() {
        if (state == State.CLOSED) {
            return;
        }
        if (stream != null) {
            stream.close();
        }
        state = State.CLOSED;
        if (!stopped && !diverged) {
            missing();
        }
    }

    // JSON-RPC.

    private void message(JsonFraming.Framed message, long now) {
        JsonNode json = message.json();
        String id = RecordedConnection.idKey(json.get("id"));
        Step request;
        if (json.has("method")) {
            if (id != null) {
                answer(json);
                return;
            }
            notifications += NotificationCheck.units(json);
            report.notifications++;
            request = driver.lastSent();
            if (notificationCheck != null) {
                if (options.compare() != DriveOptions.Compare.NONE) {
                    report.compared++;
                    notificationCheck.live(json);
                }
                return;
            }
        } else {
            report.replies++;
            Sent sent = outstanding.remove(id);
            if (id != null) {
                answered.merge(id, 1, Integer::sum);
            }
            if (sent != null) {
                report.latency.recordValue(Math.max(0, now - sent.at()));
            }
            request = sent != null ? sent.step() : null;
        }
        Live live = new Live(message, request);
        if (held.isEmpty() && compare(live)) {
            return;
        }
        held.add(live);
        driver.readMore();
    }

    /** Answers the target's request: echo as Open vSwitch's clients do (RFC 7047 section 4.1.11). */
    private void answer(JsonNode request) {
        if (!"echo".equals(request.path("method").asText())) {
            report.unanswered++;
            return;
        }
        report.echoes++;
        if (state != State.OPEN) {
            return; // the recorded client had ended its sending: so has this one
        }
        ObjectNode reply = Json.NODES.objectNode();
        reply.set("id", request.get("id"));
        reply.set("result", request.path("params"));
        reply.putNull("error");
        queue(Json.toBytes(reply));
    }

    /**
     * Compares a live message with the recorded one.
     *
     * @return false if it cannot be compared until more of the recording is read
     */
    private boolean compare(Live live) {
        if (options.compare() == DriveOptions.Compare.NONE || diverged) {
            return true;
        }
        JsonFraming.Framed message = live.message();
        JsonNode json = message.json();
        if (digests != null) {
            if (digests.needsMore(message.bytes().length)) {
                return false;
            }
            Mismatch mismatch = digests.message(message.bytes());
            report.compared++;
            if (mismatch != null) {
                diverge(mismatch.seq(), mismatch.what(), describe(live.request()), mismatch.expected(),
                        mismatch.actual());
            }
            return true;
        }
        String id = RecordedConnection.idKey(json.get("id"));
        boolean notification = json.has("method");
        ExpectedMessage expected = notification ? recorded.takeNotification() : recorded.takeReply(id);
        if (expected == null) {
            if (!recorded.complete()) {
                return false;
            }
            report.compared++;
            diverge(-1, notification ? "a notification the recording does not hold"
                    : "a reply the recording does not hold (id " + id + ")", describe(live.request()), "nothing",
                    text(message.bytes()));
            return true;
        }
        report.compared++;
        String subject = notification ? "notification" : live.request() != null ? "reply to "
                + live.request().describe() : "reply (id " + id + ")";
        if (options.compare() == DriveOptions.Compare.LENGTH) {
            if (expected.bytes().length != message.bytes().length) {
                diverge(expected.seq(), subject + " differs in length (" + expected.bytes().length + " bytes recorded, "
                        + message.bytes().length + " live)", describe(live.request()), text(expected.bytes()),
                        text(message.bytes()));
            }
            return true;
        }
        Difference difference = comparison.compare(expected.json(), json);
        if (difference != null) {
            diverge(expected.seq(), subject + " differs at " + difference.path(), describe(live.request()),
                    value(difference.expected()), value(difference.actual()));
        }
        return true;
    }

    /**
     * Matches recorded notifications with the live ones left unmatched: only as many as that takes (or all, at the
     * end), so that those read ahead stay bytes rather than trees.
     */
    private void takeRecordedNotifications(boolean all) {
        if (notificationCheck == null || options.compare() == DriveOptions.Compare.NONE) {
            return;
        }
        ExpectedMessage notification;
        while ((all || (notificationCheck.liveUnmatched() > 0
                && notificationCheck.recordedUnmatched() < MAX_UNMATCHED))
                && (notification = recorded.takeNotification()) != null) {
            notificationCheck.recorded(notification);
        }
    }

    /** Compares the messages held, now that more of the recording may have been read. */
    private void retryHeld() {
        while (!held.isEmpty() && compare(held.peek())) {
            held.poll();
        }
    }

    // Raw streams.

    private void rawReceived(byte[] data, long now) {
        while (!rawSends.isEmpty() && rawSends.peek().step().replyEnd >= 0
                && received >= rawSends.peek().step().replyEnd) {
            report.latency.recordValue(Math.max(0, now - rawSends.poll().at()));
            report.replies++;
        }
        if (options.compare() == DriveOptions.Compare.NONE || diverged) {
            return;
        }
        Mismatch mismatch = digests != null ? digests.bytes(data) : bytes.bytes(data);
        if (mismatch == null && bytes != null && bytes.waiting()) {
            driver.readMore();
        }
        if (mismatch != null) {
            diverge(mismatch.seq(), "the target sent " + mismatch.what(), describe(lastSent), mismatch.expected(),
                    mismatch.actual());
        }
    }

    // Waiting, settling, timing out.

    private void timeouts(long now) {
        long timeout = options.replyTimeoutNanos();
        if (!outstanding.isEmpty()) {
            Sent oldest = outstanding.values().iterator().next();
            if (now - oldest.at() > timeout) {
                diverge(oldest.step().seq, "no reply within " + Format.seconds(timeout), describe(oldest.step()),
                        "a reply (the recording holds one)", "none");
                close();
                return;
            }
        }
        Step next = recorded.peekStep();
        if (gatedSince >= 0 && next != null && received < next.awaitBytes && now - gatedSince > timeout) {
            diverge(next.seq, "no reply within " + Format.seconds(timeout) + ": " + received + " bytes received, the"
                    + " recorded client had " + next.awaitBytes + " before " + next.describe(), describe(lastSent),
                    next.awaitBytes + " bytes", received + " bytes");
            close();
            return;
        }
        if (settlingSince < 0) {
            if (recorded.peekStep() == null && recorded.scriptEnded()) {
                settlingSince = now;
            }
            return;
        }
        boolean settled = outstanding.isEmpty() && out.isEmpty() && held.isEmpty()
                && (stopped || notifications >= recorded.notificationUnitsRecorded)
                && (stopped || framing != null || received >= recorded.replyBytesRecorded);
        boolean ended = liveEnded || state != State.SHUT;
        if ((settled && ended) || now - settlingSince > timeout) {
            close();
        }
    }

    /** Registers what the connection waits for. */
    void waitAll(PollLoop loop) {
        if (state == State.CONNECTING) {
            stream.waitConnect(loop, recorded.name + " connect");
        } else if (state == State.OPEN || state == State.SHUT) {
            stream.waitRecv(loop, recorded.name + " recv");
            if (!out.isEmpty() || shutdownPending) {
                stream.waitSend(loop, recorded.name + " send");
            }
        }
        if (state == State.CLOSED || state == State.NOT_OPEN) {
            return;
        }
        long timeout = options.replyTimeoutNanos();
        if (!outstanding.isEmpty()) {
            loop.waitUntil(saturated(outstanding.values().iterator().next().at(), timeout), "reply timeout");
        }
        if (gatedSince >= 0) {
            loop.waitUntil(saturated(gatedSince, timeout), "gate timeout");
        }
        if (settlingSince >= 0) {
            loop.waitUntil(saturated(settlingSince, timeout), "settle timeout");
            if (outstanding.isEmpty() && out.isEmpty() && held.isEmpty()) {
                // Settled but for the notifications or the target's end: look again soon.
                loop.waitUntil(saturated(loop.now(), 10_000_000L), "settle");
            }
        }
    }

    private static long saturated(long at, long plus) {
        return plus > Long.MAX_VALUE - at ? Long.MAX_VALUE : at + plus;
    }

    /** What the recording holds that the target never sent, once the connection ran its whole script. */
    private void missing() {
        if (options.compare() == DriveOptions.Compare.NONE || recorded.peekStep() != null || !recorded.scriptEnded()) {
            return;
        }
        takeRecordedNotifications(true);
        Mismatch leftover = notificationCheck == null ? null : notificationCheck.leftover();
        if (leftover != null) {
            diverge(leftover.seq(), leftover.what(), null, leftover.expected(), leftover.actual());
        } else if (bytes != null && bytes.expectsMore()) {
            diverge(bytes.nextSeq(), "the target sent fewer bytes than recorded", describe(lastSent),
                    bytes.expectedExcerpt(), "nothing");
        } else if (digests != null && !digests.lost() && !recorded.digests().isEmpty()) {
            diverge(recorded.digests().peek().seq(), "the target sent fewer bytes than recorded",
                    describe(lastSent), recorded.digests().size() + " more sends, " + recorded.digests().stream()
                            .mapToLong(RecordedConnection.ExpectedDigest::length).sum() + " bytes",
                    "nothing");
        }
    }

    // Divergences.

    private void diverge(long seq, String what, String request, String expected, String actual) {
        Divergence first = diverged ? null : new Divergence(recorded.name, seq, what, request, expected, actual);
        diverged = true;
        report.diverged(first);
    }

    private String describe(Step step) {
        if (step == null) {
            return null;
        }
        return step.bytes == null ? step.describe()
                : "#" + step.seq + " " + text(step.bytes).strip();
    }

    private static String text(byte[] data) {
        return PayloadText.of(data, Format.EXCERPT);
    }

    /** A differing value as an excerpt. */
    private static String value(JsonNode value) {
        return value.isMissingNode() ? "(nothing)" : Format.excerpt(Json.toText(value));
    }
}
