package io.streamreplay.dbserver.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.streamreplay.jsonrpc.Json;
import io.streamreplay.replay.ReplayContext;
import io.streamreplay.status.StatusSource;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What the server's {@code --http} endpoint serves: the counters of the {@code stats} control command (transactions,
 * connections, monitors, bytes), the recording's state (events recorded, a failure) and a replay's progress (events
 * replayed of those recorded), as {@code /stats} JSON and as Prometheus metrics {@code sample_db_server_*}, built
 * and written by the Prometheus Java client.
 *
 * <p>The loop publishes a snapshot each time it is about to block ({@link #publish()}, a
 * {@link io.streamreplay.poll.PollLoop#beforeBlock} hook), and the endpoint's thread reads only that snapshot: it never
 * touches the server's state or its loop. {@code /health} is 200 once the server serves.
 */
public final class ServerStatus implements StatusSource {

    private static final String PREFIX = "sample_db_server_";

    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
    private final ServerControlCommands commands;
    private final ReplayContext replay;
    private volatile ObjectNode snapshot;

    public ServerStatus(ServerControlCommands commands, ReplayContext replay) {
        this.commands = commands;
        this.replay = replay;
    }

    /** Takes a snapshot of the counters. Loop thread. */
    public void publish() {
        ObjectNode json = commands.stats();
        ObjectNode mode = json.putObject("mode");
        mode.put("name", replay.mode().name().toLowerCase(Locale.ROOT));
        mode.put("events", replay.events());
        if (replay.recordedEvents() > 0) {
            mode.put("recorded_events", replay.recordedEvents());
        }
        if (replay.recordingFailure() != null) {
            mode.put("failure", replay.recordingFailure().getMessage());
        }
        snapshot = json;
    }

    @Override
    public String metricsContentType() {
        return writer.getContentType();
    }

    @Override
    public void writeMetrics(OutputStream out) throws IOException {
        JsonNode json = snapshot;
        List<MetricSnapshot> all = new ArrayList<>();
        if (json != null) {
            JsonNode mode = json.path("mode");
            all.add(counter("transactions", "Transactions committed", json.path("transactions")));
            all.add(counter("requests", "Requests received", json.path("requests")));
            all.add(gauge("connections", "Clients connected now", json.path("connections")));
            all.add(counter("connections_opened", "Client connections opened", json.path("connections_opened")));
            all.add(gauge("monitors", "Monitors now", json.path("monitors")));
            all.add(counter("received_bytes", "Bytes received from clients", json.path("bytes_in")));
            all.add(counter("sent_bytes", "Bytes sent to clients", json.path("bytes_out")));
            all.add(gauge("replay_events", "Events recorded (recording) or replayed (replay) so far",
                    mode.path("events")));
            all.add(gauge("replay_recorded_events", "Events in the recording a replay runs",
                    mode.path("recorded_events")));
            all.add(gauge("recording_failed", "1 if writing the recording failed",
                    Json.NODES.numberNode(mode.has("failure") ? 1 : 0)));
        }
        writer.write(out, new MetricSnapshots(all));
    }

    private static CounterSnapshot counter(String name, String help, JsonNode value) {
        return CounterSnapshot.builder().name(PREFIX + name).help(help)
                .dataPoint(CounterDataPointSnapshot.builder().value((double) value.asLong()).build()).build();
    }

    private static GaugeSnapshot gauge(String name, String help, JsonNode value) {
        return GaugeSnapshot.builder().name(PREFIX + name).help(help)
                .dataPoint(GaugeDataPointSnapshot.builder().value((double) value.asLong()).build()).build();
    }

    @Override
    public String statsJson() {
        ObjectNode json = snapshot;
        return json == null ? "{}" : json.toPrettyString();
    }

    @Override
    public boolean healthy() {
        return snapshot != null;
    }

    @Override
    public String unhealthyReason() {
        return "the server has not started serving";
    }
}
