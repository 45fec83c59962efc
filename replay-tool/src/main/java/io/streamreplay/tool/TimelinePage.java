package io.streamreplay.tool;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamreplay.replay.Manifest;
import io.streamreplay.replay.RecordType;
import io.streamreplay.replay.RecordedEvent;
import io.streamreplay.replay.RecordingReader;
import io.streamreplay.replay.RecordingReader.RecordedFile;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The HTML page of {@code replay-tool timeline}, readable for a server with thousands of short connections: events
 * per bucket of time by listener (the connections each accepted summed, with the program's own streams and its
 * recorded values as series of their own) and by peer host (the busiest, the rest summed); errors and closed
 * connections per bucket; tables of listeners (each opening onto its busiest connections), peers and errors (what
 * each was, how often, where first and last). Every event is named by the sequence number that {@code replay-tool
 * dump} shows and {@code --replay-stop-at} takes. Tables are bounded in rows, so the page stays small whatever the
 * number of streams. The page is one file: Chart.js and the data are inlined, so it opens anywhere, offline. Not
 * thread-safe.
 */
final class TimelinePage {

    /** The bucket widths tried, in nanoseconds, smallest first; the first that needs few enough buckets is used. */
    private static final long[] WIDTHS = {1_000_000L, 2_000_000L, 5_000_000L, 10_000_000L, 20_000_000L,
            50_000_000L, 100_000_000L, 200_000_000L, 500_000_000L, 1_000_000_000L, 2_000_000_000L, 5_000_000_000L,
            10_000_000_000L, 30_000_000_000L, 60_000_000_000L, 300_000_000_000L, 600_000_000_000L,
            1_800_000_000_000L, 3_600_000_000_000L};
    private static final int MAX_BUCKETS = 400;
    /** Rows of each table, and connections shown under each listener: the rest are counted, not listed. */
    private static final int MAX_ROWS = 100;
    private static final int MAX_ERROR_GROUPS = 50;
    /** Where the build put the path of Chart.js in its WebJar, which names its version. */
    private static final String CHART_JS_PATH = "io/streamreplay/tool/chartjs.path";

    private final RecordingStats stats;
    private final StreamGroups groups;
    private final List<String> listenerSeries = new ArrayList<>();
    private final List<String> peerSeries = new ArrayList<>();
    private final long width;
    private final int buckets;
    private final long[][] byListener;
    private final long[][] byPeer;
    private final long[] errors;
    private final long[] ends;

    /**
     * @param series the number of listeners, and of peers, charted separately; the others are summed into one
     */
    TimelinePage(RecordingStats stats, List<RecordedFile> files, int series) {
        this.stats = stats;
        this.groups = new StreamGroups(stats, files);
        List<StreamGroups.Group> listeners = new ArrayList<>(groups.listeners());
        listeners.sort(Comparator.comparingLong((StreamGroups.Group g) -> g.events).reversed());
        listeners.stream().limit(series).forEach(g -> listenerSeries.add(g.name));
        groups.peers().stream().limit(series).forEach(g -> peerSeries.add(g.name));
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
        this.byListener = new long[listenerSeries.size() + 1][buckets];
        this.byPeer = new long[peerSeries.size() + 1][buckets];
        this.errors = new long[buckets];
        this.ends = new long[buckets];
    }

    /** Counts the events of a second pass over the recording. */
    void count(RecordingReader reader) throws IOException {
        Map<String, Integer> listenerIndex = new HashMap<>();
        Map<String, Integer> peerIndex = new HashMap<>();
        RecordedEvent event;
        while ((event = reader.next()) != null) {
            int bucket = (int) Math.min(buckets - 1, event.time() / width);
            String file = event.file().getFileName().toString();
            byListener[listenerIndex.computeIfAbsent(file, f -> index(listenerSeries, groups.listenerOf(f)))][bucket]++;
            String peer = groups.peerOf(file);
            if (peer != null) {
                byPeer[peerIndex.computeIfAbsent(file, f -> index(peerSeries, peer))][bucket]++;
            }
            if (event.type().isError()) {
                errors[bucket]++;
            } else if (event.type() == RecordType.RECV_EOF) {
                ends[bucket]++;
            }
        }
    }

    /** The series of {@code name}, or the last one (the others summed). */
    private static int index(List<String> series, String name) {
        int i = series.indexOf(name);
        return i < 0 ? series.size() : i;
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
        series(data.putArray("listenerSeries"), listenerSeries, byListener, "other listeners");
        series(data.putArray("peerSeries"), peerSeries, byPeer, "other peers");
        ArrayNode errorCounts = data.putArray("errors");
        ArrayNode endCounts = data.putArray("ends");
        for (int b = 0; b < buckets; b++) {
            errorCounts.add(errors[b]);
            endCounts.add(ends[b]);
        }
        ArrayNode listeners = data.putArray("listeners");
        for (StreamGroups.Group group : groups.listeners()) {
            ObjectNode row = group(listeners.addObject(), group);
            ArrayNode members = row.putArray("members");
            for (StreamGroups.Member member : group.busiest(MAX_ROWS)) {
                RecordingStats.StreamStats s = member.stats();
                members.addObject().put("name", s.name).put("peer", member.peer()).put("file", s.file)
                        .put("events", s.events).put("bytesIn", s.bytesIn).put("bytesOut", s.bytesOut)
                        .put("errors", s.errors).put("firstSeq", s.firstSeq).put("lastSeq", s.lastSeq)
                        .put("first", Math.max(0, s.first) / 1e9).put("last", s.last / 1e9);
            }
            row.put("more", group.members.size() - members.size());
        }
        List<StreamGroups.Group> peers = groups.peers();
        ArrayNode peerRows = data.putArray("peers");
        for (StreamGroups.Group group : peers.subList(0, Math.min(MAX_ROWS, peers.size()))) {
            group(peerRows.addObject(), group);
        }
        data.put("morePeers", Math.max(0, peers.size() - MAX_ROWS));
        List<RecordingStats.ErrorGroup> errorGroups = stats.errorGroups();
        errorGroups.sort(Comparator.comparingLong((RecordingStats.ErrorGroup g) -> g.count).reversed());
        ArrayNode errorRows = data.putArray("errorGroups");
        for (RecordingStats.ErrorGroup group : errorGroups.subList(0, Math.min(MAX_ERROR_GROUPS,
                errorGroups.size()))) {
            errorRows.addObject().put("kind", group.kind).put("description", group.description)
                    .put("count", group.count).put("firstSeq", group.firstSeq).put("lastSeq", group.lastSeq)
                    .put("firstStream", group.firstStream);
        }
        data.put("moreErrorGroups", Math.max(0, errorGroups.size() - MAX_ERROR_GROUPS));
        ObjectNode summary = data.putObject("summary");
        summary.put("program", manifest.program());
        summary.put("arguments", String.join(" ", manifest.arguments()));
        summary.put("status", manifest.status());
        summary.put("events", stats.total().events);
        summary.put("streams", stats.streams().size());
        summary.put("connections", groups.listeners().stream().mapToLong(g -> g.connections).sum());
        summary.put("lastSeq", stats.total().lastSeq);
        summary.put("duration", stats.total().durationSeconds());
        summary.put("endedCleanly", stats.endedCleanly());
        stats.problems().forEach(data.putArray("problems")::add);

        String page = template()
                .replace("/*CHART_JS*/", scriptSafe(chartJs()))
                .replace("/*DATA*/", scriptSafe(mapper.writeValueAsString(data)));
        Files.writeString(file, page, StandardCharsets.UTF_8);
    }

    private static void series(ArrayNode target, List<String> names, long[][] counts, String rest) {
        for (int i = 0; i < counts.length; i++) {
            if (i == names.size() && Arrays.stream(counts[i]).allMatch(c -> c == 0)) {
                break;
            }
            ArrayNode values = target.addObject().put("name", i < names.size() ? names.get(i) : rest)
                    .putArray("counts");
            for (long count : counts[i]) {
                values.add(count);
            }
        }
    }

    private static ObjectNode group(ObjectNode row, StreamGroups.Group group) {
        row.put("name", group.name).put("connections", group.connections).put("streams", group.members.size())
                .put("events", group.events).put("bytesIn", group.bytesIn).put("bytesOut", group.bytesOut)
                .put("errors", group.errors).put("firstSeq", group.firstSeq).put("lastSeq", group.lastSeq)
                .put("first", Math.max(0, group.firstTime) / 1e9).put("last", group.lastTime / 1e9);
        ArrayNode related = row.putArray("related");
        group.related.stream().limit(20).forEach(related::add);
        return row;
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
