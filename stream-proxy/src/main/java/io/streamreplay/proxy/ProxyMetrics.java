package io.streamreplay.proxy;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.Quantile;
import io.prometheus.metrics.model.snapshots.Quantiles;
import io.prometheus.metrics.model.snapshots.SummarySnapshot;
import io.prometheus.metrics.model.snapshots.SummarySnapshot.SummaryDataPointSnapshot;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/**
 * The proxy's statistics as Prometheus metrics, built as the Prometheus Java client's snapshots at each scrape and
 * written in its text exposition format. Names start with {@code stream_proxy_}; listener metrics carry a
 * {@code listener} label (the name as configured), upstream metrics an {@code upstream} label, and per-connection
 * metrics (open connections only) a {@code connection} label. Any thread.
 */
final class ProxyMetrics implements MultiCollector {

    private static final double[] QUANTILES = {0.5, 0.9, 0.99};

    private final ProxyStats stats;
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();

    ProxyMetrics(ProxyStats stats) {
        this.stats = stats;
    }

    String contentType() {
        return writer.getContentType();
    }

    void write(OutputStream out) throws IOException {
        writer.write(out, collect());
    }

    @Override
    public MetricSnapshots collect() {
        List<MetricSnapshot> all = new ArrayList<>();
        scopes(all, "listener", stats.listeners());
        scopes(all, "upstream", List.of(stats.upstream()));
        connections(all);
        all.add(gauge("stream_proxy_buffered_bytes", "Bytes held in the proxy's buffers now",
                List.of(GaugeDataPointSnapshot.builder().value((double) stats.bufferedBytes()).build())));
        all.add(gauge("stream_proxy_buffer_limit_bytes", "The most bytes the proxy's buffers can hold",
                List.of(GaugeDataPointSnapshot.builder().value((double) stats.bufferLimitBytes()).build())));
        return new MetricSnapshots(all);
    }

    private void scopes(List<MetricSnapshot> all, String kind, List<Scope> scopes) {
        String prefix = "stream_proxy_" + kind + "_";
        List<CounterDataPointSnapshot> connections = new ArrayList<>();
        List<GaugeDataPointSnapshot> active = new ArrayList<>();
        List<CounterDataPointSnapshot> bytes = new ArrayList<>();
        List<CounterDataPointSnapshot> errors = new ArrayList<>();
        List<CounterDataPointSnapshot> connectErrors = new ArrayList<>();
        List<CounterDataPointSnapshot> messages = new ArrayList<>();
        List<SummaryDataPointSnapshot> latency = new ArrayList<>();
        List<GaugeDataPointSnapshot> rates = new ArrayList<>();
        for (Scope scope : scopes) {
            Traffic traffic = scope.traffic();
            Labels labels = Labels.of(kind, scope.name());
            connections.add(counter(labels, traffic.connections.get()));
            active.add(GaugeDataPointSnapshot.builder().labels(labels).value((double) traffic.active.get()).build());
            errors.add(counter(labels, traffic.errors.get()));
            connectErrors.add(counter(labels, traffic.connectErrors.get()));
            for (Direction direction : Direction.values()) {
                bytes.add(counter(labels.add("direction", direction.label()), traffic.bytes(direction)));
            }
            messages(messages, labels, traffic);
            if (stats.protocol() == Protocol.JSONRPC) {
                latency.add(summary(labels, scope.latency().snapshot()));
            }
            for (int w = 0; w < Rates.WINDOWS.length; w++) {
                for (int i = 0; i < Scope.RATED.length; i++) {
                    rates.add(GaugeDataPointSnapshot.builder().labels(labels.add("counter", Scope.RATED[i])
                            .add("window", Rates.WINDOWS[w] + "s")).value(scope.rates().perSecond(w, i)).build());
                }
            }
        }
        all.add(counters(prefix + "connections", "Connections accepted (listener) or opened (upstream)",
                connections));
        all.add(gauge(prefix + "active_connections", "Connections open now", active));
        all.add(counters(prefix + "bytes", "Bytes forwarded, by direction (upstream: from clients)", bytes));
        all.add(counters(prefix + "errors", "Connections ended by an error (reset, TLS, I/O)", errors));
        all.add(counters(prefix + "connect_errors", "Upstream connections that could not be made", connectErrors));
        if (stats.protocol() != Protocol.RAW) {
            all.add(counters(prefix + "messages", "Messages forwarded, by direction and kind", messages));
        }
        if (stats.protocol() == Protocol.JSONRPC) {
            SummarySnapshot.Builder builder = SummarySnapshot.builder().name(prefix + "request_latency_seconds")
                    .help("From a client's request to the upstream's reply, as the proxy saw them");
            latency.forEach(builder::dataPoint);
            all.add(builder.build());
        }
        all.add(gauge(prefix + "rate_per_second", "Rates of the counters over the last 1, 10 and 60 s", rates));
    }

    private void connections(List<MetricSnapshot> all) {
        List<CounterDataPointSnapshot> bytes = new ArrayList<>();
        List<CounterDataPointSnapshot> messages = new ArrayList<>();
        for (ProxyConnection connection : stats.connections()) {
            Labels labels = Labels.of("connection", connection.name(), "listener", connection.listener());
            for (Direction direction : Direction.values()) {
                bytes.add(counter(labels.add("direction", direction.label()), connection.traffic().bytes(direction)));
            }
            messages(messages, labels, connection.traffic());
        }
        all.add(counters("stream_proxy_connection_bytes", "Bytes forwarded by each open connection", bytes));
        if (stats.protocol() != Protocol.RAW) {
            all.add(counters("stream_proxy_connection_messages", "Messages forwarded by each open connection",
                    messages));
        }
    }

    private static void messages(List<CounterDataPointSnapshot> into, Labels labels, Traffic traffic) {
        for (Direction direction : Direction.values()) {
            for (Map.Entry<String, AtomicLong> kind : traffic.messages(direction).entrySet()) {
                into.add(counter(labels.add("direction", direction.label()).add("message", kind.getKey()),
                        kind.getValue().get()));
            }
        }
    }

    private static SummaryDataPointSnapshot summary(Labels labels, Histogram micros) {
        List<Quantile> quantiles = new ArrayList<>();
        for (double q : QUANTILES) {
            quantiles.add(new Quantile(q, micros.getTotalCount() == 0 ? Double.NaN
                    : micros.getValueAtPercentile(q * 100) / 1e6));
        }
        return SummaryDataPointSnapshot.builder().labels(labels).quantiles(Quantiles.of(quantiles))
                .count(micros.getTotalCount()).sum(micros.getMean() * micros.getTotalCount() / 1e6).build();
    }

    private static CounterDataPointSnapshot counter(Labels labels, long value) {
        return CounterDataPointSnapshot.builder().labels(labels).value((double) value).build();
    }

    private static CounterSnapshot counters(String name, String help, List<CounterDataPointSnapshot> points) {
        CounterSnapshot.Builder builder = CounterSnapshot.builder().name(name).help(help);
        points.forEach(builder::dataPoint);
        return builder.build();
    }

    private static GaugeSnapshot gauge(String name, String help, List<GaugeDataPointSnapshot> points) {
        GaugeSnapshot.Builder builder = GaugeSnapshot.builder().name(name).help(help);
        points.forEach(builder::dataPoint);
        return builder.build();
    }
}
