package io.streamreplay.tool;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamreplay.replay.Manifest;
import io.streamreplay.replay.RecordType;
import io.streamreplay.replay.RecordedEvent;
import io.streamreplay.replay.RecordingReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The HTML page of {@code replay-tool timeline}: events per bucket of time for the busiest streams (the rest
 * summed), errors and end-of-stream per bucket, and the per-stream table. The page is one file: Chart.js and the
 * data are inlined, so it opens anywhere, offline. Not thread-safe.
 */
final class TimelinePage {

    /** The bucket widths tried, in nanoseconds, smallest first; the first that needs few enough buckets is used. */
    private static final long[] WIDTHS = {1_000_000L, 2_000_000L, 5_000_000L, 10_000_000L, 20_000_000L,
            50_000_000L, 100_000_000L, 200_000_000L, 500_000_000L, 1_000_000_000L, 2_000_000_000L, 5_000_000_000L,
            10_000_000_000L, 30_000_000_000L, 60_000_000_000L, 300_000_000_000L, 600_000_000_000L,
            1_800_000_000_000L, 3_600_000_000_000L};
    private static final int MAX_BUCKETS = 400;
    /** Where the build put the path of Chart.js in its WebJar, which names its version. */
    private static final String CHART_JS_PATH = "io/streamreplay/tool/chartjs.path";

    private final RecordingStats stats;
    private final List<RecordingStats.StreamStats> charted;
    private final Map<String, Integer> seriesOfFile = new HashMap<>();
    private final long width;
    private final int buckets;
    private final long[][] events;
    private final long[] errors;
    private final long[] ends;

    TimelinePage(RecordingStats stats, int series) {
        this.stats = stats;
        List<RecordingStats.StreamStats> busiest = stats.busiestStreams();
        this.charted = busiest.subList(0, Math.min(series, busiest.size()));
        for (int i = 0; i < charted.size(); i++) {
            seriesOfFile.put(charted.get(i).file, i);
        }
        long duration = Math.max(1, stats.total().last);
        long chosen = WIDTHS[WIDTHS.length - 1];
        for (long candidate : WIDTHS) {
            if (duration / candidate < MAX_BUCKETS) {
                chosen = candidate;
                break;
            }
        }
        this.width = chosen;
        this.buckets = (int) (duration / width) + 1;
        this.events = new long[charted.size() + 1][buckets];
        this.errors = new long[buckets];
        this.ends = new long[buckets];
    }

    /** Counts the events of a second pass over the recording. */
    void count(RecordingReader reader) throws IOException {
        RecordedEvent event;
        while ((event = reader.next()) != null) {
            int bucket = (int) Math.min(buckets - 1, event.time() / width);
            int series = seriesOfFile.getOrDefault(event.file().getFileName().toString(), charted.size());
            events[series][bucket]++;
            if (event.type().isError()) {
                errors[bucket]++;
            } else if (event.type() == RecordType.RECV_EOF) {
                ends[bucket]++;
            }
        }
    }

    int buckets() {
        return buckets;
    }

    /** The bucket width for people: {@code 5 ms}, {@code 1 s}. */
    String bucketLabel() {
        return width < 1_000_000_000L ? width / 1_000_000 + " ms" : width / 1_000_000_000L + " s";
    }

    /** Writes the page to {@code file}. */
    void write(Path file, Manifest manifest) throws IOException {
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode data = mapper.createObjectNode();
        data.put("title", "Timeline of " + manifest.program() + ", recorded " + Instant.ofEpochMilli(
                manifest.startedMillis()));
        data.put("bucketSeconds", width / 1e9);
        data.put("bucketLabel", bucketLabel());
        ArrayNode series = data.putArray("series");
        boolean others = stats.streams().size() > charted.size();
        for (int i = 0; i < charted.size() + (others ? 1 : 0); i++) {
            ArrayNode counts = series.addObject()
                    .put("name", i < charted.size() ? charted.get(i).name : "other streams").putArray("counts");
            for (long count : events[i]) {
                counts.add(count);
            }
        }
        ArrayNode errorCounts = data.putArray("errors");
        ArrayNode endCounts = data.putArray("ends");
        for (int b = 0; b < buckets; b++) {
            errorCounts.add(errors[b]);
            endCounts.add(ends[b]);
        }
        ArrayNode table = data.putArray("streams");
        for (RecordingStats.StreamStats stream : stats.busiestStreams()) {
            table.addArray().add(stream.name).add(stream.file).add(stream.events).add(stream.bytesIn)
                    .add(stream.bytesOut).add(stream.errors);
        }
        ObjectNode summary = data.putObject("summary");
        summary.put("program", manifest.program());
        summary.put("arguments", String.join(" ", manifest.arguments()));
        summary.put("status", manifest.status());
        summary.put("events", stats.total().events);
        summary.put("duration", stats.total().durationSeconds());
        summary.put("endedCleanly", stats.endedCleanly());
        stats.problems().forEach(data.putArray("problems")::add);

        String page = template()
                .replace("/*CHART_JS*/", scriptSafe(chartJs()))
                .replace("/*DATA*/", scriptSafe(mapper.writeValueAsString(data)));
        Files.writeString(file, page, StandardCharsets.UTF_8);
    }

    /** Text that cannot end the script element it is inlined into. */
    private static String scriptSafe(String script) {
        return script.replace("</", "<\\/").replace("<!--", "<\\!--");
    }

    private static String chartJs() {
        return resource(resource(CHART_JS_PATH).trim());
    }

    private static String template() {
        return resource("io/streamreplay/tool/timeline.html");
    }

    private static String resource(String name) {
        try (InputStream in = TimelinePage.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(name + " is missing from the tool's jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + name + " from the tool's jar", e);
        }
    }
}
