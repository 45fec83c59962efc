package io.streamreplay.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamreplay.jsonrpc.Json;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * {@code --stats-file}: the counters saved as JSON, so that they survive a restart or a crash. Each save writes a
 * new file beside the old one, forces it to disk and renames it over the old one, so the file always holds one
 * whole save: a {@code kill -9} or a power loss loses at most what was counted since the last save. Loop thread.
 */
final class StatsFile {

    /** The first line of the file's {@code format} member. */
    static final String FORMAT = "stream-proxy stats 1";

    private final Path path;

    StatsFile(Path path) {
        this.path = path;
    }

    Path path() {
        return path;
    }

    /**
     * The saved counters, or null if the file does not exist.
     *
     * @throws IOException naming the file if it cannot be read or is not a stats file (it is then left as it is)
     */
    JsonNode read() throws IOException {
        String text;
        try {
            text = Files.readString(path);
        } catch (NoSuchFileException e) {
            return null;
        }
        JsonNode json;
        try {
            json = Json.parse(text);
        } catch (IOException e) {
            throw new IOException(path + ": not a stream-proxy stats file (" + e.getMessage() + "); move it aside to"
                    + " start counting from zero", e);
        }
        if (!FORMAT.equals(json.path("format").asText())) {
            throw new IOException(path + ": not a stream-proxy stats file (its format is '"
                    + json.path("format").asText() + "', not '" + FORMAT + "'); move it aside to start counting"
                    + " from zero");
        }
        return json;
    }

    /** Replaces the file with {@code counters}, atomically. */
    void write(JsonNode counters) throws IOException {
        Path parent = path.toAbsolutePath().getParent();
        Path temporary = parent.resolve(path.getFileName() + ".new");
        try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer bytes = ByteBuffer.wrap((counters.toPrettyString() + "\n").getBytes(StandardCharsets.UTF_8));
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
            channel.force(true);
        }
        Files.move(temporary, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
