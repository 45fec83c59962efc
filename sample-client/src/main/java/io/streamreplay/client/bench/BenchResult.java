package io.streamreplay.client.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamreplay.jsonrpc.Json;
import java.util.Arrays;
import java.util.Locale;

/**
 * What a bench run measured: transactions sent, completed and failed, the time from the first request to the last
 * reply, latency percentiles, and monitor rows received; as text or JSON.
 *
 * @param firstError the error of the first transaction that failed, as JSON text (the reply's error, or the
 *     first failed operation's result such as {@code {"error":"constraint violation","details":"..."}}); null if
 *     none failed
 * @param latencyNanos the latency of every completed transaction, in completion order
 * @param reconnections the connections opened again after one was lost ({@code --reconnect})
 */
// The latencies are kept without a copy, as measured; results are never compared as a whole.
@SuppressWarnings("ArrayRecordComponent")
public record BenchResult(String workload, int connections, int inFlight, long requested, long completed,
        long errors, String firstError, long elapsedNanos, long[] latencyNanos, long monitorRows, long reconnections,
        boolean interrupted) {

    /** Completed transactions per second of elapsed time. */
    public double throughput() {
        return elapsedNanos == 0 ? 0 : completed * 1e9 / elapsedNanos;
    }

    /** The latency at quantile {@code q} (0 to 1) in milliseconds, by the nearest-rank method; 0 if none. */
    public double latencyMillis(double q) {
        if (latencyNanos.length == 0) {
            return 0;
        }
        long[] sorted = latencyNanos.clone();
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(q * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))] / 1e6;
    }

    /** The summary people read. */
    public String text() {
        return String.format(Locale.ROOT, "bench: %d transactions (%s) over %d connections, %d in flight each%s%n"
                + "completed: %d, errors: %d%s%n"
                + "elapsed: %.3f s, %.1f transactions/s%n"
                + "latency (ms): p50 %.3f, p90 %.3f, p99 %.3f, max %.3f%n"
                + "monitor rows received: %d%n%s",
                requested, workload, connections, inFlight, interrupted ? " (interrupted)" : "", completed, errors,
                firstError == null ? "" : " (the first: " + firstError + ")",
                elapsedNanos / 1e9, throughput(), latencyMillis(0.5), latencyMillis(0.9), latencyMillis(0.99),
                latencyMillis(1), monitorRows, reconnections == 0 ? "" : "reconnections: " + reconnections
                        + System.lineSeparator());
    }

    /** The summary for programs. */
    public ObjectNode json() {
        ObjectNode json = Json.NODES.objectNode();
        json.put("workload", workload).put("connections", connections).put("in_flight", inFlight)
                .put("requested", requested).put("completed", completed).put("errors", errors)
                .put("elapsed_seconds", elapsedNanos / 1e9).put("transactions_per_second", throughput())
                .put("monitor_rows", monitorRows).put("interrupted", interrupted);
        if (firstError != null) {
            json.put("first_error", firstError);
        }
        if (reconnections > 0) {
            json.put("reconnections", reconnections);
        }
        json.putObject("latency_ms").put("p50", latencyMillis(0.5)).put("p90", latencyMillis(0.9))
                .put("p99", latencyMillis(0.99)).put("max", latencyMillis(1));
        return json;
    }
}
