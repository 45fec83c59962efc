package io.streamreplay.tool.drive;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;

/**
 * What a drive of a recording would do, from one pass over it that keeps nothing but counts: the client connections
 * and their requests, the protocol their bytes are in, and how long the drive would take at the pace asked. It is
 * what {@code --dry-run} prints, and what a drive checks before it starts. Immutable once read.
 */
public final class Plan {

    private final DriveOptions options;
    private final List<RecordedConnection> connections;
    private final Workload.Framing framing;
    private final String program;
    private final boolean proxy;
    private final long requests;
    private final long bytes;
    private final long recordedSpan;
    private final long driveSpan;
    private final long dueAtLimit;
    private final List<String> problems;
    private final String notJsonRpc;

    private Plan(DriveOptions options, Workload workload, Workload.Framing framing, String notJsonRpc) {
        this.options = options;
        this.connections = List.copyOf(workload.connections());
        this.framing = framing;
        this.notJsonRpc = notJsonRpc;
        this.program = workload.program();
        this.proxy = workload.isProxyRecording();
        this.requests = connections.stream().mapToLong(c -> framing == Workload.Framing.JSON_RPC ? c.requests
                : c.chunks).sum();
        this.bytes = connections.stream().mapToLong(c -> c.bytesSent).sum();
        this.recordedSpan = workload.recordedSpan();
        this.driveSpan = workload.driveSpan();
        this.dueAtLimit = workload.dueAtRequestLimit();
        this.problems = List.copyOf(workload.problems());
    }

    /**
     * Reads the recording once, to plan the drive.
     *
     * @throws DriveException if it cannot be read, holds no client connection to drive, or is not JSON-RPC when
     *     {@code --protocol=jsonrpc} asks for it
     */
    public static Plan read(DriveOptions options) throws DriveException {
        Workload.Framing asked = switch (options.protocol()) {
            case AUTO -> Workload.Framing.DETECT;
            case JSONRPC -> Workload.Framing.JSON_RPC;
            case RAW -> Workload.Framing.RAW;
        };
        Plan plan = count(options, asked, null);
        if (asked == Workload.Framing.DETECT && plan.framing == Workload.Framing.RAW) {
            // Counted as JSON-RPC where the bytes were: count again, all as raw chunks.
            return count(options, Workload.Framing.RAW, plan.notJsonRpc);
        }
        return plan;
    }

    private static Plan count(DriveOptions options, Workload.Framing framing, String notJsonRpc)
            throws DriveException {
        Schedule schedule = new Schedule(options.pace(), options.maxGapNanos(), options.rate());
        try (Workload workload = new Workload(options.recording(), framing, new Selection(options.streams()),
                schedule, false)) {
            workload.requestLimit(options.limitRequests());
            while (workload.read(4096)) {
                // Counting only.
            }
            if (workload.connections().isEmpty()) {
                throw new DriveException(nothingToDrive(options));
            }
            if (framing != Workload.Framing.DETECT) {
                return new Plan(options, workload, framing, notJsonRpc);
            }
            String why = workload.connections().stream().map(RecordedConnection::notJsonRpc)
                    .filter(w -> w != null).findFirst().orElse(null);
            boolean jsonRpc = why == null && workload.connections().stream().anyMatch(c -> c.messages > 0);
            return new Plan(options, workload, jsonRpc ? Workload.Framing.JSON_RPC : Workload.Framing.RAW, why);
        }
    }

    private static String nothingToDrive(DriveOptions options) {
        String why = options.streams().isEmpty() ? "it holds no connection accepted by a listener (other than a"
                + " control socket)" : "no connection matches --streams=" + String.join(",", options.streams());
        return "nothing to drive in " + options.recording() + ": " + why + "; a recording of a client (such as"
                + " sample-client's) holds only the length of what it sent, so it cannot be driven";
    }

    /** How the clients' bytes are framed for the drive. */
    Workload.Framing framing() {
        return framing;
    }

    /** Requests the drive would send (JSON-RPC requests, or raw chunks), in one loop. */
    public long requests() {
        return requests;
    }

    /** How the recorded replies are known, for reports. */
    public String replyContent() {
        return (proxy ? "a stream-proxy recording: replies in full" : "a recording of " + program
                + ": replies by length and CRC-32C");
    }

    /** The protocol, for reports. */
    public String protocol() {
        return framing == Workload.Framing.JSON_RPC ? "jsonrpc" : "raw";
    }

    /** The drive time the workload would take at the pace asked, limits applied, in nanoseconds (one loop). */
    long expectedNanos() {
        long nanos = dueAtLimit >= 0 ? dueAtLimit : driveSpan;
        return Math.min(nanos, options.limitNanos());
    }

    /** Writes what the drive would do. */
    public void print(PrintWriter out) {
        out.println("dry run: would drive " + connections.size() + " connections of " + options.recording() + " ("
                + replyContent() + ") as " + protocol() + (options.target() != null ? " to " + options.target() : ""));
        if (notJsonRpc != null && framing == Workload.Framing.RAW) {
            out.println("raw, because " + notJsonRpc);
        }
        for (String problem : problems) {
            out.println("recording problem: " + problem);
        }
        for (RecordedConnection c : connections) {
            out.printf(Locale.ROOT, "  %s (on %s): opens at +%s, %d %s, %d bytes%n", c.name, c.listener,
                    Format.seconds(c.openDue), framing == Workload.Framing.JSON_RPC ? c.requests : c.chunks,
                    framing == Workload.Framing.JSON_RPC ? "requests" : "chunks", c.bytesSent);
        }
        out.printf(Locale.ROOT, "requests: %d (%d bytes) over %d connections; recorded span %s%n", requests, bytes,
                connections.size(), Format.seconds(recordedSpan));
        out.printf(Locale.ROOT, "expected duration: %s at %s%s%s%n", Format.seconds(expectedNanos() * options.loops()),
                options.rate() > 0 ? Format.number(options.rate()) + " requests/s" : "pace " + options.pace(),
                options.loops() > 1 ? ", " + options.loops() + " loops" : "",
                options.limitRequests() < requests * options.loops() ? ", stopping after " + options.limitRequests()
                        + " requests" : "");
    }

    /** What the drive would do, as JSON. */
    public ObjectNode json() {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        json.put("recording", options.recording().toString());
        json.put("program", program);
        json.put("replies_recorded", proxy ? "full" : "length and crc32c");
        json.put("protocol", protocol());
        if (options.target() != null) {
            json.put("target", options.target());
        }
        json.put("requests", requests);
        json.put("bytes", bytes);
        json.put("recorded_s", recordedSpan / 1e9);
        json.put("expected_s", expectedNanos() * options.loops() / 1e9);
        ArrayNode list = json.putArray("connections");
        for (RecordedConnection c : connections) {
            ObjectNode entry = list.addObject();
            entry.put("stream", c.name);
            entry.put("listener", c.listener);
            entry.put("opens_at_s", c.openDue / 1e9);
            entry.put("requests", framing == Workload.Framing.JSON_RPC ? c.requests : c.chunks);
            entry.put("bytes", c.bytesSent);
            entry.put("replies_in_full", c.hasContent());
        }
        problems.forEach(json.withArray("recording_problems")::add);
        return json;
    }
}
