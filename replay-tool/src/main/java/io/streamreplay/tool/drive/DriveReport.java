package io.streamreplay.tool.drive;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.HdrHistogram.Histogram;

/**
 * What a drive did and found: counts, the first divergence of each stream, request-to-reply latency (an
 * HdrHistogram of nanoseconds on the drive's loop clock), and the pace achieved. Written as text or JSON. Loop thread
 * only.
 */
public final class DriveReport {

    private static final int SHOWN = 20;
    private static final double[] PERCENTILES = {50, 90, 99, 99.9};

    final Histogram latency = new Histogram(3);
    final List<Divergence> firsts = new ArrayList<>();
    long connections;
    long connectionsFailed;
    long requests;
    long messagesSent;
    long bytesSent;
    long replies;
    long notifications;
    long bytesReceived;
    long echoes;
    long unanswered;
    long compared;
    long divergences;
    long recordedNanos;
    long drivenNanos;
    long expectedNanos;
    int loops;
    String stoppedBy;
    String recording;
    String target;
    String protocol;
    String replyContent;
    String pace;
    final List<String> problems = new ArrayList<>();

    /** Exit status: 0 if nothing diverged, 1 otherwise. */
    public int exitStatus() {
        return divergences > 0 ? 1 : 0;
    }

    /** Divergences found, first of each stream and later ones alike. */
    public long divergences() {
        return divergences;
    }

    /** The first divergence of each stream that diverged, in the order they were found. */
    public List<Divergence> firstDivergences() {
        return List.copyOf(firsts);
    }

    void diverged(Divergence first) {
        divergences++;
        if (first != null) {
            firsts.add(first);
        }
    }

    /** The achieved pace: recorded time over drive time; 0 if nothing was driven. */
    double achievedPace() {
        return drivenNanos <= 0 ? 0 : (double) recordedNanos / drivenNanos;
    }

    private double perSecond(long count) {
        return drivenNanos <= 0 ? 0 : count * 1e9 / drivenNanos;
    }

    /** Writes the report for a person. */
    public void print(PrintWriter out) {
        out.println("drive: " + recording + " (" + replyContent + ") -> " + target + ", " + protocol + ", pace " + pace
                + (loops > 1 ? ", " + loops + " loops" : ""));
        for (String problem : problems) {
            out.println("recording problem: " + problem);
        }
        for (Divergence divergence : firsts.subList(0, Math.min(SHOWN, firsts.size()))) {
            out.println("divergence on " + divergence.stream() + (divergence.seq() >= 0 ? " at #" + divergence.seq()
                    : "") + ": " + divergence.what());
            if (divergence.request() != null) {
                out.println("  request:  " + divergence.request());
            }
            out.println("  expected: " + divergence.expected());
            out.println("  actual:   " + divergence.actual());
        }
        if (firsts.size() > SHOWN) {
            out.println("... and " + (firsts.size() - SHOWN) + " more streams diverged (--json lists them all)");
        }
        if (stoppedBy != null) {
            out.println("stopped by " + stoppedBy);
        }
        out.printf(Locale.ROOT, "connections: %d%s%n", connections,
                connectionsFailed > 0 ? " (" + connectionsFailed + " failed)" : "");
        out.printf(Locale.ROOT, "requests:    %d sent (%d messages, %d bytes); %d replies, %d notifications"
                + " (%d bytes) received%s%n", requests, messagesSent, bytesSent, replies, notifications,
                bytesReceived, echoes > 0 || unanswered > 0 ? "; " + echoes + " echo requests of the target answered"
                        + (unanswered > 0 ? ", " + unanswered + " other requests not" : "") : "");
        out.printf(Locale.ROOT, "compared:    %d, divergences: %d%n", compared, divergences);
        out.printf(Locale.ROOT, "throughput:  %.1f requests/s, %.1f replies/s%n", perSecond(requests),
                perSecond(replies));
        if (latency.getTotalCount() > 0) {
            StringBuilder line = new StringBuilder("latency:     ");
            for (double percentile : PERCENTILES) {
                line.append(String.format(Locale.ROOT, "p%s %.3f ms, ", Format.number(percentile),
                        latency.getValueAtPercentile(percentile) / 1e6));
            }
            line.append(String.format(Locale.ROOT, "max %.3f ms (%d replies)", latency.getMaxValue() / 1e6,
                    latency.getTotalCount()));
            out.println(line);
        } else {
            out.println("latency:     no reply timed");
        }
        // At max nothing is waited for but replies: no expected time to show.
        String expected = pace.equals("max") ? "at max" : "(" + Format.seconds(expectedNanos) + " expected at "
                + pace + ")";
        out.printf(Locale.ROOT, "time:        recorded %s, driven %s %s: pace %.3fx%n", Format.seconds(recordedNanos),
                Format.seconds(drivenNanos), expected, achievedPace());
    }

    /** The report as JSON. */
    public ObjectNode json() {
        JsonNodeFactory nodes = JsonNodeFactory.instance;
        ObjectNode json = nodes.objectNode();
        json.put("recording", recording);
        json.put("target", target);
        json.put("protocol", protocol);
        json.put("replies_recorded", replyContent);
        json.put("pace", pace);
        json.put("loops", loops);
        if (stoppedBy != null) {
            json.put("stopped_by", stoppedBy);
        }
        json.put("connections", connections);
        json.put("connections_failed", connectionsFailed);
        json.put("requests", requests);
        json.put("messages_sent", messagesSent);
        json.put("bytes_sent", bytesSent);
        json.put("replies", replies);
        json.put("notifications", notifications);
        json.put("bytes_received", bytesReceived);
        json.put("echo_requests_answered", echoes);
        json.put("target_requests_unanswered", unanswered);
        json.put("compared", compared);
        json.put("divergences", divergences);
        ObjectNode time = json.putObject("time");
        time.put("recorded_s", recordedNanos / 1e9);
        time.put("driven_s", drivenNanos / 1e9);
        time.put("expected_s", expectedNanos / 1e9);
        time.put("achieved_pace", achievedPace());
        ObjectNode throughput = json.putObject("throughput");
        throughput.put("requests_per_s", perSecond(requests));
        throughput.put("replies_per_s", perSecond(replies));
        ObjectNode ms = json.putObject("latency_ms");
        ms.put("count", latency.getTotalCount());
        if (latency.getTotalCount() > 0) {
            for (double percentile : PERCENTILES) {
                ms.put("p" + Format.number(percentile), latency.getValueAtPercentile(percentile) / 1e6);
            }
            ms.put("max", latency.getMaxValue() / 1e6);
            ms.put("mean", latency.getMean() / 1e6);
        }
        var list = json.putArray("first_divergences");
        for (Divergence divergence : firsts) {
            ObjectNode entry = list.addObject();
            entry.put("stream", divergence.stream());
            if (divergence.seq() >= 0) {
                entry.put("seq", divergence.seq());
            }
            entry.put("what", divergence.what());
            entry.put("request", divergence.request());
            entry.put("expected", divergence.expected());
            entry.put("actual", divergence.actual());
        }
        var problemList = json.putArray("recording_problems");
        problems.forEach(problemList::add);
        return json;
    }
}
