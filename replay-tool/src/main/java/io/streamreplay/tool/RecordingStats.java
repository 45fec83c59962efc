package io.streamreplay.tool;

import io.streamreplay.replay.RecordType;
import io.streamreplay.replay.RecordedEvent;
import io.streamreplay.replay.RecordingReader;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Counts of one pass over a recording: per stream and in total, and per second of the recording. Memory grows with
 * the number of streams and of seconds, not of events. Not thread-safe.
 */
final class RecordingStats {

    /** What one stream (or listener, or source) did. */
    static final class StreamStats {
        final String name;
        final String file;
        long events;
        long bytesIn;
        long bytesOut;
        long errors;
        long first = -1;
        long last;
        long firstSeq = -1;
        long lastSeq = -1;

        StreamStats(String name, String file) {
            this.name = name;
            this.file = file;
        }

        void add(RecordedEvent event) {
            events++;
            if (first < 0) {
                first = event.time();
                firstSeq = event.seq();
            }
            last = event.time();
            lastSeq = event.seq();
            if (event.type() == RecordType.RECV_DATA) {
                bytesIn += event.length();
            } else if (event.type() == RecordType.SEND_OK) {
                bytesOut += event.length();
            } else if (event.type().isError()) {
                errors++;
            }
        }

        double durationSeconds() {
            return first < 0 ? 0 : (last - first) / 1e9;
        }
    }

    /** One second of the recording. */
    record Second(long second, long events, long bytesIn, long errors) {
    }

    /** A connection a listener accepted: the listener's file, and the peer (empty for Unix sockets). */
    record Accept(String listenerFile, String peer) {
    }

    /** Errors of one kind with one description, such as every "Connection reset by peer" on receive. */
    static final class ErrorGroup {
        final String kind;
        final String description;
        long count;
        long firstSeq = -1;
        long lastSeq;
        String firstStream;

        ErrorGroup(String kind, String description) {
            this.kind = kind;
            this.description = description;
        }
    }

    private final Map<String, StreamStats> streams = new LinkedHashMap<>();
    private final StreamStats total = new StreamStats("total", "");
    private final List<long[]> seconds = new ArrayList<>();
    private final Map<Long, Accept> accepts = new HashMap<>();
    private final Map<String, String> boundNames = new HashMap<>();
    private final Map<String, ErrorGroup> errorGroups = new LinkedHashMap<>();
    private List<String> problems = List.of();
    private String status;
    private long iterations;
    private long ticks;

    /** Reads all of {@code reader}'s recording. */
    static RecordingStats of(RecordingReader reader) throws IOException {
        RecordingStats stats = new RecordingStats();
        RecordedEvent event;
        while ((event = reader.next()) != null) {
            stats.add(event);
        }
        stats.problems = List.copyOf(reader.problems());
        stats.status = reader.manifest().status();
        return stats;
    }

    private void add(RecordedEvent event) {
        String file = event.file().getFileName().toString();
        streams.computeIfAbsent(file, f -> new StreamStats(event.stream(), f)).add(event);
        total.add(event);
        if (event.startsIteration()) {
            iterations++;
        }
        if (event.type() == RecordType.TICK) {
            ticks++;
        }
        if (event.type() == RecordType.LISTEN_OK) {
            boundNames.put(file, event.detail());
        } else if (event.type() == RecordType.ACCEPT_OK) {
            String detail = event.detail();
            int from = detail.indexOf(" from ");
            accepts.put(event.seq(), new Accept(file, from < 0 ? "" : detail.substring(from + 6)));
        } else if (event.type().isError()) {
            String description = describe(event);
            ErrorGroup group = errorGroups.computeIfAbsent(event.type().label() + " " + description,
                    k -> new ErrorGroup(event.type().label(), description));
            group.count++;
            if (group.firstSeq < 0) {
                group.firstSeq = event.seq();
                group.firstStream = event.stream();
            }
            group.lastSeq = event.seq();
        }
        int second = (int) Math.min(Integer.MAX_VALUE - 1, event.time() / 1_000_000_000L);
        while (seconds.size() <= second) {
            seconds.add(new long[3]);
        }
        long[] counts = seconds.get(second);
        counts[0]++;
        if (event.type() == RecordType.RECV_DATA) {
            counts[1] += event.length();
        }
        if (event.type().isError()) {
            counts[2]++;
        }
    }

    /**
     * An error without the stream's name it usually starts with (so that the same failure on many streams is one
     * group): {@code java.io.IOException: Connection reset by peer}.
     */
    static String describe(RecordedEvent event) {
        String text = event.errorText();
        String prefix = event.stream() + ": ";
        int at = text.indexOf(prefix);
        return at < 0 ? text : text.substring(0, at) + text.substring(at + prefix.length());
    }

    /** The name each listener reported once bound ({@code ptcp:6640:0.0.0.0}), by file name. */
    Map<String, String> boundNames() {
        return boundNames;
    }

    /** The connections accepted, by the sequence number of their accept (the accepted stream's opening). */
    Map<Long, Accept> accepts() {
        return accepts;
    }

    /** Errors grouped by kind and description, in the order of their first occurrence. */
    List<ErrorGroup> errorGroups() {
        return new ArrayList<>(errorGroups.values());
    }

    /** Every stream, listener and source, in the order of their first event. */
    List<StreamStats> streams() {
        return new ArrayList<>(streams.values());
    }

    /** The streams with the most events first. */
    List<StreamStats> busiestStreams() {
        List<StreamStats> sorted = streams();
        sorted.sort(Comparator.comparingLong((StreamStats s) -> s.events).reversed());
        return sorted;
    }

    StreamStats total() {
        return total;
    }

    /** The {@code n} seconds with the most events, busiest first. */
    List<Second> busiestSeconds(int n) {
        List<Second> all = new ArrayList<>();
        for (int i = 0; i < seconds.size(); i++) {
            long[] counts = seconds.get(i);
            if (counts[0] > 0) {
                all.add(new Second(i, counts[0], counts[1], counts[2]));
            }
        }
        all.sort(Comparator.comparingLong(Second::events).reversed().thenComparingLong(Second::second));
        return all.subList(0, Math.min(n, all.size()));
    }

    /**
     * Whether the recording was closed (by the application, or at a signal) and nothing in it is damaged; the
     * reader reports an unclosed manifest as a problem.
     */
    boolean endedCleanly() {
        return problems.isEmpty();
    }

    /** The manifest's status: complete, stopped, crashed, recording (killed or still running) or failed. */
    /**
     * Poll loop iterations of the recorded process that handled an event or read the clock (0 in recordings of
     * format 1, which do not mark them).
     */
    long iterations() {
        return iterations;
    }

    /** Of those, the iterations that only read the clock: timers that fired with no input, such as a probe. */
    long ticks() {
        return ticks;
    }

    String status() {
        return status;
    }

    /** What {@link RecordingReader#problems()} found. */
    List<String> problems() {
        return problems;
    }
}
