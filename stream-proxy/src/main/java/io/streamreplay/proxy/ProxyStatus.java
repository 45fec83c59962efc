package io.streamreplay.proxy;

import io.streamreplay.status.StatusSource;
import java.io.IOException;
import java.io.OutputStream;

/** What the proxy's {@code --http} endpoint serves: its metrics, its statistics, and the upstream's health. */
final class ProxyStatus implements StatusSource {

    private final ProxyStats stats;
    private final ProxyMetrics metrics;
    private final UpstreamProbe probe;

    ProxyStatus(ProxyStats stats, UpstreamProbe probe) {
        this.stats = stats;
        this.metrics = new ProxyMetrics(stats);
        this.probe = probe;
    }

    @Override
    public String metricsContentType() {
        return metrics.contentType();
    }

    @Override
    public void writeMetrics(OutputStream out) throws IOException {
        metrics.write(out);
    }

    @Override
    public String statsJson() {
        return stats.json().toPrettyString();
    }

    @Override
    public boolean healthy() {
        return probe.accepts();
    }

    @Override
    public String unhealthyReason() {
        return probe.lastFailure();
    }
}
