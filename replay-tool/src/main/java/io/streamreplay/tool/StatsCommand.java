package io.streamreplay.tool;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamreplay.replay.Manifest;
import io.streamreplay.replay.RecordingReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code replay-tool stats}: what each stream did, in total, at the busiest moments, and how the recording ended. */
@Command(name = "stats", mixinStandardHelpOptions = true,
        description = "Per stream and in total: events, bytes received and sent, errors, first and last event and the"
                + " time between; the busiest seconds; whether the recording ended cleanly (and if not, why).")
final class StatsCommand extends RecordingCommand {

    private static final String ROW = "%-40s %-44s %9s %12s %12s %7s %10s %10s%n";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Option(names = "--top", paramLabel = "N", defaultValue = "20",
            description = "Show the N streams with the most events, the rest as one line (default: ${DEFAULT-VALUE}).")
    int top;

    @Option(names = "--json", description = "One JSON object instead of text.")
    boolean json;

    @Override
    int run(PrintWriter out) throws IOException {
        RecordingStats stats;
        Manifest manifest;
        try (RecordingReader reader = open()) {
            manifest = reader.manifest();
            stats = RecordingStats.of(reader);
        }
        if (json) {
            out.println(MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(json(manifest, stats)));
        } else {
            text(out, manifest, stats);
        }
        return 0;
    }

    private void text(PrintWriter out, Manifest manifest, RecordingStats stats) {
        out.printf("recording: %s%nprogram: %s %s%nstarted: %s%n", dir, manifest.program(),
                String.join(" ", manifest.arguments()), Instant.ofEpochMilli(manifest.startedMillis()));
        out.printf(Locale.ROOT, ROW, "stream", "file", "events", "bytes in", "bytes out", "errors", "first (s)",
                "last (s)");
        List<RecordingStats.StreamStats> streams = stats.busiestStreams();
        for (RecordingStats.StreamStats stream : streams.subList(0, Math.min(top, streams.size()))) {
            row(out, stream.name, stream.file, stream);
        }
        if (streams.size() > top) {
            RecordingStats.StreamStats rest = new RecordingStats.StreamStats("", "");
            for (RecordingStats.StreamStats stream : streams.subList(top, streams.size())) {
                rest.events += stream.events;
                rest.bytesIn += stream.bytesIn;
                rest.bytesOut += stream.bytesOut;
                rest.errors += stream.errors;
            }
            out.printf(Locale.ROOT, ROW, "(" + (streams.size() - top) + " other streams)", "", rest.events,
                    rest.bytesIn, rest.bytesOut, rest.errors, "", "");
        }
        row(out, "total (" + streams.size() + " files)", "", stats.total());
        out.printf(Locale.ROOT, "duration: %.3f s%n", stats.total().durationSeconds());
        if (stats.iterations() > 0) {
            out.printf(Locale.ROOT, "loop iterations: %d, %d of them ticks (woken with no input, such as by a timer)%n",
                    stats.iterations(), stats.ticks());
        }
        out.println("busiest seconds:");
        for (RecordingStats.Second second : stats.busiestSeconds(5)) {
            out.printf(Locale.ROOT, "  %d s to %d s: %d events, %d bytes in, %d errors%n", second.second(),
                    second.second() + 1, second.events(), second.bytesIn(), second.errors());
        }
        out.println("ended cleanly: " + (stats.endedCleanly() ? "yes" : "no") + " (status " + stats.status()
                + (manifest.truncated() ? " by " + manifest.truncatedBy() + " after event #" + (manifest.events() - 1)
                        + (manifest.truncatedByBound() ? "; the recorded process went on unrecorded" : "") : "")
                + (RecordingReader.isBeingWritten(dir) ? ", still being written by a running process" : "") + ")");
        for (String problem : stats.problems()) {
            out.println("  " + problem);
        }
    }

    private static void row(PrintWriter out, String name, String file, RecordingStats.StreamStats stream) {
        out.printf(Locale.ROOT, ROW, name, file, stream.events, stream.bytesIn, stream.bytesOut, stream.errors,
                String.format(Locale.ROOT, "%.3f", Math.max(0, stream.first) / 1e9),
                String.format(Locale.ROOT, "%.3f", stream.last / 1e9));
    }

    private static ObjectNode json(Manifest manifest, RecordingStats stats) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("program", manifest.program());
        root.put("started", Instant.ofEpochMilli(manifest.startedMillis()).toString());
        root.put("status", manifest.status());
        if (manifest.truncated()) {
            root.put("truncatedBy", manifest.truncatedBy());
            root.put("lastEvent", manifest.events() - 1);
        }
        ArrayNode streams = root.putArray("streams");
        for (RecordingStats.StreamStats stream : stats.streams()) {
            streams.add(json(stream));
        }
        root.set("total", json(stats.total()));
        root.put("iterations", stats.iterations());
        root.put("ticks", stats.ticks());
        ArrayNode busiest = root.putArray("busiestSeconds");
        for (RecordingStats.Second second : stats.busiestSeconds(5)) {
            busiest.addObject().put("second", second.second()).put("events", second.events())
                    .put("bytesIn", second.bytesIn()).put("errors", second.errors());
        }
        root.put("endedCleanly", stats.endedCleanly());
        stats.problems().forEach(root.putArray("problems")::add);
        return root;
    }

    private static ObjectNode json(RecordingStats.StreamStats stream) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("stream", stream.name);
        node.put("file", stream.file);
        node.put("events", stream.events);
        node.put("bytesIn", stream.bytesIn);
        node.put("bytesOut", stream.bytesOut);
        node.put("errors", stream.errors);
        node.put("first", Math.max(0, stream.first) / 1e9);
        node.put("last", stream.last / 1e9);
        node.put("duration", stream.durationSeconds());
        return node;
    }
}
