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
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code replay-tool dump}: one line per event, in the order the events happened. */
@Command(name = "dump", mixinStandardHelpOptions = true,
        description = {"Prints one line per event, in the order the events happened: sequence number, time since the"
                + " recording started, stream, kind (as in docs/replay-format.md: open-ok, recv-data, send-ok,"
                + " accept-ok, recv-error, value, ...), length in bytes, then the payload: received data as text"
                + " when printable and as hex otherwise, an error's exception and message, a connection's peer.",
                "Sent bytes are not recorded, only their length and checksum. Problems found on the way are listed on"
                        + " standard error at the end."})
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
        try (RecordingReader reader = open()) {
            Set<String> streamFiles = reader.files().stream().filter(f -> f.kind().equals("stream"))
                    .map(f -> f.path().toString()).collect(Collectors.toSet());
            RecordedEvent event;
            while ((event = reader.next()) != null && event.seq() <= to) {
                if (event.seq() < from || !selected(event)) {
                    continue;
                }
                List<JsonNode> messages = jsonRpc && event.type() == RecordType.RECV_DATA
                        && streamFiles.contains(event.file().toString()) ? messages(event) : null;
                out.println(json ? jsonLine(event, messages) : textLine(event, messages));
            }
            for (String problem : reader.problems()) {
                spec.commandLine().getErr().println("problem: " + problem);
            }
        }
        return 0;
    }

    private boolean selected(RecordedEvent event) {
        if (streams.isEmpty()) {
            return true;
        }
        String file = event.file().getFileName().toString();
        return streams.stream().anyMatch(s -> s.equals(event.stream()) || s.equals(file) || (s + ".srr").equals(file));
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
        String head = String.format(Locale.ROOT, "#%-7d +%.6fs %s %s %d", event.seq(), event.time() / 1e9,
                event.stream(), event.type().label(), event.length());
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
        switch (event.type()) {
            case SEND_OK:
                return String.format("crc32c=%08x", event.sentDigest());
            case RECV_DATA:
                return messages != null ? messages.stream().map(Json::toText).collect(Collectors.joining(" "))
                        : PayloadText.of(event.payload(), payloadLimit);
            case VALUE:
                return "hex:" + HexFormat.of().formatHex(event.payload());
            default:
                return "";
        }
    }

    private String jsonLine(RecordedEvent event, List<JsonNode> messages) throws IOException {
        ObjectNode line = MAPPER.createObjectNode();
        line.put("seq", event.seq());
        line.put("time", event.time() / 1e9);
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
