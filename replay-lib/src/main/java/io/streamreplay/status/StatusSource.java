package io.streamreplay.status;

import java.io.IOException;
import java.io.OutputStream;

/**
 * What a {@link StatusEndpoint} serves. Every method is called on one of the endpoint's threads, never on the
 * application's loop, so an implementation reads only state that is safe to read from another thread (atomic
 * counters, a snapshot the loop publishes) and must not block for long.
 */
public interface StatusSource {

    /** The {@code Content-Type} of {@link #writeMetrics}, such as Prometheus's text format's. */
    String metricsContentType();

    /** Writes the metrics, in the format {@link #metricsContentType()} names. */
    void writeMetrics(OutputStream out) throws IOException;

    /** The statistics as one JSON document. */
    String statsJson();

    /** Whether the application can do its work now: {@code /health} answers 200 if so, 503 otherwise. */
    boolean healthy();

    /** A line saying why it is not healthy, for the body of a 503; called only after {@link #healthy()} failed. */
    default String unhealthyReason() {
        return "unhealthy";
    }
}
