package io.streamreplay.tool;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamreplay.jsonrpc.Json;
import io.streamreplay.jsonrpc.MessageParser;
import io.streamreplay.jsonrpc.ProtocolException;
import io.streamreplay.replay.RecordType;
import io.streamreplay.replay.RecordedEvent;
import io.streamreplay.replay.RecordingReader;
import io.streamreplay.replay.ReplayStopPoint;
import io.streamreplay.tool.text.PayloadText;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/** {@code replay-tool dump}: one line per event, in the order the events happened. */
@Command(name = "dump", mixinStandardHelpOptions = true,
        description = {"Prints one line per event, in the order the events happened: sequence number, time since the"
                + " recording started, stream, kind (as in docs/replay-format.md: open-ok, recv-data, send-ok,"
                + " accept-ok, recv-error, value, ...), length in bytes, then the payload: received data as text"
                + " when printable and as hex otherwise, an error's exception and message, a connection's peer.",
                "Sent bytes are not recorded, only their length and checksum. Problems found on the way are listed on"
                        + " standard error at the end.",
                "Time is recorded (format 2): with --json, an event that starts an iteration of the recorded"
                        + " process's poll loop has \"iteration\":true, and its time is the clock value that iteration"
                        + " saw; a 'time tick' is an iteration that read the clock and handled no other event, such as a"
                        + " timer firing with no input.",
                "Filters combine: --stream, --from/--to (sequence numbers), --since/--until (time offsets), --errors."
                        + " When nothing matches, it says so on standard error and exits with status 1."},
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:events were printed", "1:no event matched (or the recording cannot be read)",
                "2:bad command line, or a --stream the recording does not have"})
final class DumpCommand extends RecordingCommand {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final long MAX_MESSAGE = 64L << 20;

    @Option(names = "--stream", paramLabel = "NAME",
            description = "Only events of this stream: its name as recorded (such as unix:/run/db.sock#3) or its"
                    + " file name. Repeatable.")
    List<String> streams = new ArrayList<>();

    @Option(names = "--from", paramLabel = "SEQ", description = "Start at this sequence number.")
    long from;

    @Option(names = "--to", paramLabel = "SEQ", description = "Stop after this sequence number.")
    long to = Long.MAX_VALUE;

    @Option(names = "--since", paramLabel = "TIME", converter = TimeOffset.class,
            description = "Only events recorded at or after TIME into the recording, such as 12.5s or 800ms.")
    Long since;

    @Option(names = "--until", paramLabel = "TIME", converter = TimeOffset.class,
            description = "Only events recorded at or before TIME into the recording, such as 13s.")
    Long until;

    @Option(names = "--errors", description = "Only errors: failed opens, listens, accepts, connections, receives"
            + " and sends.")
    boolean errors;

    @Option(names = "--json", description = "One JSON object per line instead of text.")
    boolean json;

    @Option(names = "--jsonrpc", description = "Show the data received on each stream as the JSON-RPC messages it"
            + " completes, instead of raw text; a stream that is not JSON-RPC is shown raw.")
    boolean jsonRpc;

    @Option(names = "--payload-limit", paramLabel = "N", defaultValue = "200",
            description = "Show at most N characters of each payload; 0 shows all (default: ${DEFAULT-VALUE}).")
    int payloadLimit;

    /** The JSON-RPC parser of each stream, or null for a stream that turned out not to be JSON-RPC. */
    private final Map<String, MessageParser> parsers = new HashMap<>();

    @Override
    int run(PrintWriter out) throws IOException {
        PrintWriter err = spec.commandLine().getErr();
        if (from > to || (since != null && until != null && since > until)) {
            err.println("replay-tool: the range is empty: " + (from > to ? "--from=" + from + " is after --to=" + to
                    : "--since is after --until"));
            return 2;
        }
        try (RecordingReader reader = open()) {
            for (String wanted : streams) {
                if (reader.files().stream().noneMatch(f -> names(f.name(), f.path(), wanted))) {
                    err.println("replay-tool: " + dir + " has no stream '" + wanted + "'; it has: "
                            + reader.files().stream().map(f -> f.name()).distinct().limit(12)
                                    .collect(Collectors.joining(", "))
                            + (reader.files().size() > 12 ? ", ... (replay-tool stats lists them all)" : ""));
                    return 2;
                }
            }
            Set<String> streamFiles = reader.files().stream().filter(f -> f.kind().equals("stream"))
                    .map(f -> f.path().toString()).collect(Collectors.toSet());
            long printed = 0;
            long last = -1;
            long lastTime = 0;
            RecordedEvent event;
            while ((event = reader.next()) != null) {
                if (event.seq() > to && printed > 0) {
                    break;
                }
                last = event.seq();
                lastTime = event.time();
                if (event.seq() < from || event.seq() > to || !selected(event)) {
                    continue;
                }
                List<JsonNode> messages = jsonRpc && event.type() == RecordType.RECV_DATA
                        && streamFiles.contains(event.file().toString()) ? messages(event) : null;
                out.println(json ? jsonLine(event, messages) : textLine(event, messages));
                printed++;
            }
            out.flush();
            for (String problem : reader.problems()) {
                err.println("problem: " + problem);
            }
            if (printed == 0) {
                err.println("replay-tool: no event matches" + filters() + "; " + dir + (last < 0 ? " holds no event"
                        + (from > 0 ? " from #" + from + " on" : "")
                        : String.format(Locale.ROOT, " holds events #0 to #%d, recorded from 0 s to %.6f s", last,
                                lastTime / 1e9)));
                return ReplayTool.PROBLEMS;
            }
        }
        return 0;
    }

    /**
     * Opens the recording at {@code --from}: through each file's index, so that the start of a dump costs the same
     * whatever precedes it.
     */
    @Override
    RecordingReader open() throws IOException {
        return RecordingReader.open(dir, from);
    }

    /** The filters given, for a message: {@code  (--errors, --from=5)}. */
    private String filters() {
        List<String> given = new ArrayList<>();
        streams.forEach(s -> given.add("--stream=" + s));
        if (from > 0) {
            given.add("--from=" + from);
        }
        if (to != Long.MAX_VALUE) {
            given.add("--to=" + to);
        }
        if (since != null) {
            given.add(String.format(Locale.ROOT, "--since=%.6fs", since / 1e9));
        }
        if (until != null) {
            given.add(String.format(Locale.ROOT, "--until=%.6fs", until / 1e9));
        }
        if (errors) {
            given.add("--errors");
        }
        return given.isEmpty() ? "" : " " + String.join(" ", given);
    }

    private boolean selected(RecordedEvent event) {
        // At the microseconds a line shows: --since and --until given a time dump printed include that event.
        if ((since != null && event.time() / 1000 < since / 1000) || (until != null && event.time() / 1000 > until
                / 1000)) {
            return false;
        }
        if (errors && !event.type().isError()) {
            return false;
        }
        return streams.isEmpty() || streams.stream().anyMatch(s -> names(event.stream(), event.file(), s));
    }

    /** Whether {@code wanted} names the stream {@code name} of {@code file}: its name, or its file's. */
    private static boolean names(String name, Path file, String wanted) {
        String fileName = file.getFileName().toString();
        return wanted.equals(name) || wanted.equals(fileName) || (wanted + ".srr").equals(fileName);
    }

    /** A time offset into the recording, in nanoseconds: {@code 12.5s}, {@code 800ms}. */
    static final class TimeOffset implements ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            ReplayStopPoint point;
            try {
                point = ReplayStopPoint.parse(value);
            } catch (IllegalArgumentException e) {
                point = null;
            }
            if (point == null || point.timeNanos() < 0) {
                throw new TypeConversionException("'" + value + "' is not a time offset: give one such as 12.5s or"
                        + " 800ms");
            }
            return point.timeNanos();
        }
    }

    /** The messages {@code event}'s data completes on its stream, or null if the stream is not JSON-RPC. */
    private List<JsonNode> messages(RecordedEvent event) {
        String key = event.file().toString();
        if (parsers.containsKey(key) && parsers.get(key) == null) {
            return null;
        }
        MessageParser parser = parsers.computeIfAbsent(key, k -> new MessageParser(MAX_MESSAGE));
        List<JsonNode> messages = new ArrayList<>();
        try {
            parser.feed(event.payload(), 0, event.payload().length);
            JsonNode message;
            while ((message = parser.next()) != null) {
                messages.add(message);
            }
            return messages;
        } catch (ProtocolException e) {
            parsers.put(key, null);
            return null;
        }
    }

    private String textLine(RecordedEvent event, List<JsonNode> messages) {
        long micros = event.time() / 1000;
        String head = String.format(Locale.ROOT, "#%-7d +%d.%06ds %s %s %d", event.seq(), micros / 1_000_000,
                micros % 1_000_000, event.stream(), event.type().label(), event.length());
        String detail = detail(event, messages);
        return detail.isEmpty() ? head : head + " " + detail;
    }

    private String detail(RecordedEvent event, List<JsonNode> messages) {
        if (event.type().isError()) {
            return event.errorText();
        }
        if (event.detail() != null) {
            return event.detail();
        }
        return switch (event.type()) {
            case SEND_OK -> String.format("crc32c=%08x", event.sentDigest());
            case RECV_DATA -> messages != null ? messages.stream().map(Json::toText).collect(Collectors.joining(" "))
                    : PayloadText.of(event.payload(), payloadLimit);
            case VALUE -> "hex:" + HexFormat.of().formatHex(event.payload());
            default -> "";
        };
    }

    private String jsonLine(RecordedEvent event, List<JsonNode> messages) throws IOException {
        ObjectNode line = MAPPER.createObjectNode();
        line.put("seq", event.seq());
        line.put("time", event.time() / 1e9);
        if (event.startsIteration()) {
            line.put("iteration", true);
        }
        line.put("stream", event.stream());
        line.put("file", event.file().getFileName().toString());
        line.put("offset", event.offset());
        line.put("kind", event.type().label());
        line.put("length", event.length());
        if (event.type().isError()) {
            line.put("error", event.errorText());
        } else if (event.detail() != null) {
            if (!event.detail().isEmpty()) {
                line.put("detail", event.detail());
            }
        } else if (event.type() == RecordType.SEND_OK) {
            line.put("crc32c", String.format("%08x", event.sentDigest()));
        } else if (messages != null) {
            line.putArray("messages").addAll(messages);
        } else if (event.payload().length > 0) {
            String text = PayloadText.isText(event.payload()) ? PayloadText.decode(event.payload()) : null;
            if (text != null) {
                line.put("text", text);
            } else {
                line.put("hex", HexFormat.of().formatHex(event.payload()));
            }
        }
        return MAPPER.writeValueAsString(line);
    }
}
