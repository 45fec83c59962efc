package io.streamreplay.replay;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The manifest of a recording directory ({@code manifest.json}): which program recorded, with which arguments,
 * when, and whether the recording ended cleanly. Immutable; read with {@link RecordingReader#manifest()}.
 *
 * @param program the recording program's name
 * @param arguments its command-line arguments
 * @param startedMillis wall-clock start time, milliseconds since the epoch
 * @param status {@code recording} while running (or if the process was killed), {@code complete} after the
 *     application closed its context, {@code stopped} if the JVM shut down without that (a signal such as SIGTERM,
 *     or {@code System.exit}), {@code crashed} after the application ended on an error it could not recover from
 *     (such as an {@link OutOfMemoryError}), {@code failed} after a write error stopped the recording,
 *     "truncated" after a bound stopped it at an event boundary ({@link #truncated()})
 * @param events the number of events recorded (known once the recording ended); for a {@code failed} recording,
 *     the events written before the failure, and for a "truncated" one the events before the bound: where
 *     its replay ends
 * @param error why the recording failed or the process crashed, or null
 * @param directory the recording directory as the recording process named it, or null (recordings before this
 *     field)
 * @param startingFiles the files the process read its starting state from, each with its copy in the recording,
 *     in the order the process declared them ({@link ReplayContext#startingFile}); empty for recordings before
 *     this field
 * @param signal the signal that stopped the recorded process ({@code SIGTERM}, {@code SIGINT}), when the
 *     application said so before it exited; otherwise null
 * @param streamFaults the stream faults put in force while recording ({@code --stream-faults} and
 *     {@code stream-faults/set} or {@code clear}), in order; empty if none
 * @param truncatedBy for a "truncated" recording, what stopped it at an event boundary: the bound it reached,
 *     as an option ({@code --replay-record-max-size=512M}, {@code --replay-record-max-events=100000}), or the
 *     repair that cut it ({@code replay-tool verify --repair of DIR ...}); otherwise null
 * @param output when the recorded process wrote what it sent: {@code per-iteration} (its JSON-RPC notifications
 *     held back and written once per loop iteration, see {@link io.streamreplay.poll.PollLoop#holdsOutput()}), or
 *     null for a recording made before this field, whose process wrote each message at once; a replay writes as the
 *     recorded process did
 */
public record Manifest(String program, List<String> arguments, long startedMillis, String status, long events,
        String error, String directory, List<StartingFile> startingFiles, String signal,
        List<FaultSetting> streamFaults, String truncatedBy, String output) {

    /**
     * A file the recorded process read its starting state from, such as a database, and its copy in the
     * recording.
     *
     * @param path the file as the process named it
     * @param copy the copy's path inside the recording directory, such as {@code start/kv.db}
     * @param size the file's size in bytes when the recording started
     * @param sha256 the SHA-256 digest of its content then, in lower-case hexadecimal
     */
    public record StartingFile(String path, String copy, long size, String sha256) {
    }

    /**
     * Stream faults put in force during the recording.
     *
     * @param spec the fault specification in normal form, empty when they were cleared
     * @param seed the seed of their decisions
     * @param atEvent the events recorded before they came into force
     */
    public record FaultSetting(String spec, long seed, long atEvent) {
    }

    /** A manifest without a directory, starting files or signal. */
    public Manifest(String program, List<String> arguments, long startedMillis, String status, long events,
            String error) {
        this(program, arguments, startedMillis, status, events, error, null, List.of(), null, List.of(), null,
                null);
    }

    /** A manifest of a recording that was not truncated and set no stream faults. */
    public Manifest(String program, List<String> arguments, long startedMillis, String status, long events,
            String error, String directory, List<StartingFile> startingFiles, String signal) {
        this(program, arguments, startedMillis, status, events, error, directory, startingFiles, signal, List.of(),
                null, null);
    }

    /** The value of {@link #output()} for a recording whose process held output back per loop iteration. */
    public static final String OUTPUT_PER_ITERATION = "per-iteration";

    /** Whether the recorded process held its output back per loop iteration (see {@link #output()}). */
    public boolean outputPerIteration() {
        return OUTPUT_PER_ITERATION.equals(output);
    }

    /** This manifest, saying how the recorded process wrote its output (see {@link #output()}). */
    Manifest withOutput(String newOutput) {
        return new Manifest(program, arguments, startedMillis, status, events, error, directory, startingFiles,
                signal, streamFaults, truncatedBy, newOutput);
    }

    static final String FORMAT = "streamreplay-recording";
    static final String RECORDING = "recording";
    static final String COMPLETE = "complete";
    static final String FAILED = "failed";
    static final String STOPPED = "stopped";
    static final String CRASHED = "crashed";
    static final String TRUNCATED = "truncated";

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final FileAttribute<?> OWNER_ONLY = PosixFilePermissions.asFileAttribute(
            PosixFilePermissions.fromString("rw-------"));
    /** Bytes held in reserve for the next write of the manifest. */
    static final int RESERVE = 16 * 1024;

    /** Whether the application closed the recording: it ended where the application ended. */
    public boolean complete() {
        return COMPLETE.equals(status);
    }

    /**
     * Whether the recording was closed, so every recorded event reached its file: {@link #complete()}, or stopped
     * by the JVM's shutdown (a signal).
     */
    public boolean closed() {
        return complete() || STOPPED.equals(status);
    }

    /**
     * Whether the recording process ended it, so that every event recorded reached its file and {@link #events()}
     * counts them: {@link #closed()}, or {@code crashed} (the application ended on an error, after which the
     * recording was still closed in order).
     */
    public boolean ended() {
        return closed() || CRASHED.equals(status);
    }

    /**
     * Whether the recording was stopped on purpose at an event boundary ({@link #truncatedBy()} says why): its files
     * hold exactly the {@link #events()} events before that point, intact, and its replay ends there. The recorded
     * process went on unrecorded.
     */
    public boolean truncated() {
        return TRUNCATED.equals(status);
    }

    /**
     * Whether a bound of the recording process truncated it ({@code --replay-record-max-size},
     * {@code --replay-record-max-events}), after which that process went on unrecorded; not a repair.
     */
    public boolean truncatedByBound() {
        return truncated() && truncatedBy != null && truncatedBy.startsWith("--replay-record-max-");
    }

    /** This manifest, {@code truncated} by {@code by} after its first {@code newEvents} events. */
    Manifest truncatedAt(long newEvents, String by) {
        return new Manifest(program, arguments, startedMillis, TRUNCATED, newEvents, null, directory, startingFiles,
                signal, streamFaults, by, output);
    }

    Manifest withEnd(String newStatus, long newEvents, String newError) {
        return new Manifest(program, arguments, startedMillis, newStatus, newEvents, newError, directory,
                startingFiles, signal, streamFaults, truncatedBy, output);
    }

    Manifest withDirectory(String newDirectory) {
        return new Manifest(program, arguments, startedMillis, status, events, error, newDirectory, startingFiles,
                signal, streamFaults, truncatedBy, output);
    }

    Manifest withStartingFile(StartingFile file) {
        List<StartingFile> files = new ArrayList<>(startingFiles);
        files.add(file);
        return new Manifest(program, arguments, startedMillis, status, events, error, directory, List.copyOf(files),
                signal, streamFaults, truncatedBy, output);
    }

    Manifest withSignal(String newSignal) {
        return new Manifest(program, arguments, startedMillis, status, events, error, directory, startingFiles,
                newSignal, streamFaults, truncatedBy, output);
    }

    Manifest withStreamFaults(FaultSetting setting) {
        List<FaultSetting> settings = new ArrayList<>(streamFaults);
        settings.add(setting);
        return new Manifest(program, arguments, startedMillis, status, events, error, directory, startingFiles,
                signal, List.copyOf(settings), truncatedBy, output);
    }

    /**
     * Writes the manifest atomically: into {@code manifest.json.tmp}, renamed over the old one. The temporary file
     * is kept between writes as a reserve of {@value #RESERVE} bytes, written in full while there is room, so that
     * marking a recording failed when its disk is full overwrites space the recording already holds instead of
     * needing new space. (A copy-on-write file system may still need new blocks.)
     *
     * <p>Both files are opened without following symbolic links.
     *
     * @return whether the reserve could be written in full; if not, the temporary file is removed
     * @throws IOException if the manifest itself could not be written
     */
    boolean write(Path dir) throws IOException {
        ObjectNode json = MAPPER.createObjectNode();
        json.put("format", FORMAT);
        json.put("version", ReplayFormat.VERSION);
        json.put("program", program);
        ArrayNode args = json.putArray("arguments");
        arguments.forEach(args::add);
        json.put("started", Instant.ofEpochMilli(startedMillis).toString());
        json.put("startedMillis", startedMillis);
        json.put("status", status);
        json.put("events", events);
        if (error != null) {
            json.put("error", error);
        }
        if (truncatedBy != null) {
            json.put("truncatedBy", truncatedBy);
            json.put("lastEvent", events - 1);
        }
        if (signal != null) {
            json.put("signal", signal);
        }
        if (directory != null) {
            json.put("directory", directory);
        }
        if (output != null) {
            json.put("output", output);
        }
        if (!startingFiles.isEmpty()) {
            ArrayNode files = json.putArray("startingFiles");
            for (StartingFile file : startingFiles) {
                files.addObject().put("path", file.path()).put("copy", file.copy()).put("size", file.size())
                        .put("sha256", file.sha256());
            }
        }
        if (!streamFaults.isEmpty()) {
            ArrayNode faults = json.putArray("streamFaults");
            for (FaultSetting setting : streamFaults) {
                faults.addObject().put("spec", setting.spec()).put("seed", setting.seed())
                        .put("atEvent", setting.atEvent());
            }
        }
        byte[] bytes = MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(json);
        Path temp = dir.resolve(ReplayFormat.MANIFEST + ".tmp");
        try (FileChannel channel = openOwnerOnly(temp)) {
            write(channel, ByteBuffer.wrap(bytes));
            channel.truncate(bytes.length);
        }
        Files.move(temp, dir.resolve(ReplayFormat.MANIFEST), StandardCopyOption.ATOMIC_MOVE,
                StandardCopyOption.REPLACE_EXISTING);
        try (FileChannel reserve = openOwnerOnly(temp)) {
            write(reserve, ByteBuffer.allocate(Math.max(RESERVE, bytes.length * 2)));
            return true;
        } catch (IOException e) {
            // No room for the reserve: the disk is full, and the next write of the manifest may fail too.
            Files.deleteIfExists(temp);
            return false;
        }
    }

    private static FileChannel openOwnerOnly(Path file) throws IOException {
        try {
            return FileChannel.open(file, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    LinkOption.NOFOLLOW_LINKS), OWNER_ONLY);
        } catch (FileSystemException e) {
            throw e;
        } catch (IOException e) {
            // The JDK's message for a link opened with NOFOLLOW_LINKS does not name the file.
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }

    private static void write(FileChannel channel, ByteBuffer bytes) throws IOException {
        long position = 0;
        while (bytes.hasRemaining()) {
            position += channel.write(bytes, position);
        }
    }

    /** Reads and checks the manifest of {@code dir}. */
    static Manifest read(Path dir) throws IOException {
        Path file = dir.resolve(ReplayFormat.MANIFEST);
        JsonNode json;
        try {
            json = MAPPER.readTree(file.toFile());
        } catch (NoSuchFileException | java.io.FileNotFoundException e) {
            throw new CorruptRecordingException(file, "no manifest: " + dir + " is not a recording directory");
        } catch (JsonProcessingException e) {
            JsonLocation where = e.getLocation();
            throw new CorruptRecordingException(file, "manifest is not valid JSON: " + e.getOriginalMessage()
                    + (where == null ? "" : " (line " + where.getLineNr() + ", column " + where.getColumnNr() + ")"));
        } catch (IOException e) {
            throw new CorruptRecordingException(file, "cannot read the manifest: " + e.getMessage());
        }
        if (json == null || !FORMAT.equals(json.path("format").asText())) {
            throw new CorruptRecordingException(file, "not a streamreplay manifest (\"format\" is not \"" + FORMAT
                    + "\")");
        }
        int version = json.path("version").asInt(-1);
        if (version < 1 || version > ReplayFormat.VERSION) {
            throw new CorruptRecordingException(file, "recording format version " + version
                    + " is not supported; this build reads version " + ReplayFormat.VERSION);
        }
        List<String> args = new ArrayList<>();
        json.path("arguments").forEach(a -> args.add(a.asText()));
        List<StartingFile> starting = new ArrayList<>();
        for (JsonNode entry : json.path("startingFiles")) {
            starting.add(new StartingFile(entry.path("path").asText(), entry.path("copy").asText(),
                    entry.path("size").asLong(-1), entry.path("sha256").asText()));
        }
        List<FaultSetting> faults = new ArrayList<>();
        for (JsonNode entry : json.path("streamFaults")) {
            faults.add(new FaultSetting(entry.path("spec").asText(), entry.path("seed").asLong(),
                    entry.path("atEvent").asLong()));
        }
        return new Manifest(json.path("program").asText(), args, json.path("startedMillis").asLong(),
                json.path("status").asText(), json.path("events").asLong(), text(json, "error"),
                text(json, "directory"), List.copyOf(starting), text(json, "signal"), List.copyOf(faults),
                text(json, "truncatedBy"), text(json, "output"));
    }

    private static String text(JsonNode json, String field) {
        return json.hasNonNull(field) ? json.get(field).asText() : null;
    }
}
