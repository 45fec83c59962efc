package io.streamreplay.tool.drive;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The requests a {@link LiveConnection} has sent and not yet seen answered, and how many times each id was answered:
 * what its steps wait for, what times out, and each reply's latency (loop-clock nanoseconds from the send), which
 * goes into the {@link DriveReport}. A JSON-RPC reply answers the request of its id; on a raw stream, a request is
 * answered once the target has sent as many bytes as the recorded server had by its reply's end.
 *
 * <p>Loop thread only, as the connection.
 */
final class PendingRequests {

    /** A request sent: its step and when, on the loop's clock. */
    private record Sent(Step step, long at) {
    }

    private final DriveReport report;
    private final Map<String, Sent> outstanding = new LinkedHashMap<>();
    private final Map<String, Integer> answered = new HashMap<>();
    private final ArrayDeque<Sent> rawSends = new ArrayDeque<>();

    PendingRequests(DriveReport report) {
        this.report = report;
    }

    /** {@code step} was sent at {@code now}; on a {@code raw} stream its reply is counted in bytes. */
    void sent(Step step, long now, boolean raw) {
        if (step.id != null) {
            outstanding.put(step.id, new Sent(step, now));
        }
        if (step.request && raw) {
            rawSends.add(new Sent(step, now));
        }
    }

    /** A JSON-RPC reply with {@code id} (null if none) arrived at {@code now}: the request it answers, or null. */
    Step replied(String id, long now) {
        Sent sent = outstanding.remove(id);
        if (id != null) {
            answered.merge(id, 1, Integer::sum);
        }
        if (sent != null) {
            report.latency.recordValue(Math.max(0, now - sent.at()));
        }
        return sent != null ? sent.step() : null;
    }

    /** On a raw stream, the target has sent {@code received} bytes by {@code now}: the requests that answers. */
    void rawReceived(long received, long now) {
        while (!rawSends.isEmpty() && rawSends.peek().step().replyEnd >= 0
                && received >= rawSends.peek().step().replyEnd) {
            report.latency.recordValue(Math.max(0, now - rawSends.poll().at()));
            report.replies++;
        }
    }

    /** Whether replies with {@code id} arrived {@code nth} times or more. */
    boolean answered(String id, int nth) {
        return answered.getOrDefault(id, 0) >= nth;
    }

    /** Whether none of the requests {@code ids} waits for its reply. */
    boolean noneOutstanding(List<String> ids) {
        return ids.isEmpty() || ids.stream().noneMatch(outstanding::containsKey);
    }

    /** Whether no request waits for its reply. */
    boolean isEmpty() {
        return outstanding.isEmpty();
    }

    /** The request that has waited longest for its reply; call only when not {@link #isEmpty()}. */
    Step oldest() {
        return outstanding.values().iterator().next().step();
    }

    /** When {@link #oldest()} was sent, on the loop's clock. */
    long oldestAt() {
        return outstanding.values().iterator().next().at();
    }
}
