package io.streamreplay.tool.drive;

import static io.streamreplay.tool.drive.ConnectionCheck.describe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamreplay.jsonrpc.Json;
import io.streamreplay.jsonrpc.ProtocolException;
import io.streamreplay.poll.PollLoop;
import io.streamreplay.stream.Stream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The live connection to the target that stands for one recorded client connection: takes its steps when the
 * {@link Driver} says they are due and they are ready (connected, and the replies the recorded client had are in),
 * reads what the target sends, answers its echo requests, times ({@link PendingRequests}) and compares
 * ({@link ConnectionCheck}) every reply, and closes when its script is done and settled or a wait times out. A
 * failure of the target (refused, closed, silent, not JSON-RPC) is a divergence of the connection, never an
 * exception. Loop thread only.
 */
final class LiveConnection {

    /** Bytes queued to send at most before further steps wait: the target reads slower than the drive sends. */
    private static final int MAX_QUEUED = 4 << 20;

    private enum State {
        NOT_OPEN, CONNECTING, OPEN, SHUT, CLOSED
    }

    final RecordedConnection recorded;
    private final Driver driver;
    private final DriveOptions options;
    private final DriveReport report;
    private final UuidMap uuids;
    private Stream stream;
    private State state = State.NOT_OPEN;
    private final SendQueue out = new SendQueue();
    private final ByteBuffer in = ByteBuffer.allocate(64 << 10);
    private final JsonFraming framing;
    private final PendingRequests pending;
    private final ConnectionCheck check;
    private Step lastSent;
    private long received;
    private int notifications;
    private boolean liveEnded;
    private boolean stopped;
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
        this.uuids = uuids;
        this.framing = recorded.isJsonRpc() ? new JsonFraming() : null;
        this.pending = new PendingRequests(report);
        this.check = new ConnectionCheck(recorded, driver, options, report, comparison, uuids);
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
        return pending.answered(delivery.id(), delivery.nth());
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
        if (state != State.OPEN || out.queued() > MAX_QUEUED) {
            return false;
        }
        boolean replied = (!options.causal() || driver.repliesCaughtUp() >= step.repliesBefore)
                && received >= step.awaitBytes
                && pending.noneOutstanding(step.awaitIds);
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
                out.add(data);
                lastSent = step;
                driver.sent(step);
                report.messagesSent++;
                report.bytesSent += data.length;
                pending.sent(step, now, framing == null);
                if (step.request) {
                    report.requests++;
                }
                flush();
            }
            case SHUTDOWN -> {
                out.shutdownAfter();
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
        check.diverge(recorded.openSeq, "the target refused the connection", null, "a connection (the recorded server"
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
        check.retryHeld();
        check.takeRecordedNotifications(false);
        if (state != State.CLOSED) {
            timeouts(now);
        }
    }

    private void flush() throws IOException {
        if (state == State.OPEN && out.flush(stream)) {
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
        if (!pending.isEmpty() && !stopped) {
            Step oldest = pending.oldest();
            check.diverge(oldest.seq, "the target closed the connection without replying",
                    describe(oldest), "a reply (the recording holds one)", "end of stream");
        }
        if (state == State.OPEN && (recorded.peekStep() != null || !recorded.scriptEnded()) && !stopped) {
            Step next = recorded.peekStep();
            check.diverge(next != null ? next.seq : -1, "the target closed the connection", describe(lastSent),
                    "the connection open" + (next != null ? " for " + next.describe() : ""), "end of stream");
        }
        close();
    }

    private void failed(String why) {
        if (!stopped) {
            check.diverge(lastSent != null ? lastSent.seq : recorded.openSeq, "the connection failed",
                    describe(lastSent), "the connection working", why);
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
        if (!stopped && !check.diverged()) {
            check.missing(lastSent);
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
            if (check.notification(json)) {
                return;
            }
        } else {
            report.replies++;
            request = pending.replied(id, now);
        }
        check.message(new ConnectionCheck.Live(message, request));
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
        out.add(Json.toBytes(reply));
    }

    // Raw streams.

    private void rawReceived(byte[] data, long now) {
        pending.rawReceived(received, now);
        check.rawBytes(data, lastSent);
    }

    // Waiting, settling, timing out.

    private void timeouts(long now) {
        long timeout = options.replyTimeoutNanos();
        if (!pending.isEmpty()) {
            if (now - pending.oldestAt() > timeout) {
                check.diverge(pending.oldest().seq, "no reply within " + Format.seconds(timeout),
                        describe(pending.oldest()), "a reply (the recording holds one)", "none");
                close();
                return;
            }
        }
        Step next = recorded.peekStep();
        if (gatedSince >= 0 && next != null && received < next.awaitBytes && now - gatedSince > timeout) {
            check.diverge(next.seq, "no reply within " + Format.seconds(timeout) + ": " + received + " bytes received,"
                    + " the recorded client had " + next.awaitBytes + " before " + next.describe(), describe(lastSent),
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
        boolean settled = pending.isEmpty() && out.isEmpty() && !check.holding()
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
            if (out.wantsSend()) {
                stream.waitSend(loop, recorded.name + " send");
            }
        }
        if (state == State.CLOSED || state == State.NOT_OPEN) {
            return;
        }
        long timeout = options.replyTimeoutNanos();
        if (!pending.isEmpty()) {
            loop.waitUntil(saturated(pending.oldestAt(), timeout), "reply timeout");
        }
        if (gatedSince >= 0) {
            loop.waitUntil(saturated(gatedSince, timeout), "gate timeout");
        }
        if (settlingSince >= 0) {
            loop.waitUntil(saturated(settlingSince, timeout), "settle timeout");
            if (pending.isEmpty() && out.isEmpty() && !check.holding()) {
                // Settled but for the notifications or the target's end: look again soon.
                loop.waitUntil(saturated(loop.now(), 10_000_000L), "settle");
            }
        }
    }

    private static long saturated(long at, long plus) {
        return plus > Long.MAX_VALUE - at ? Long.MAX_VALUE : at + plus;
    }
}
