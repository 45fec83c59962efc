package io.streamreplay.replay;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What the world holds at the instant a recorded process is killed: the recording's files as a {@code kill -9} leaves
 * them, and what a peer has received. For the tests of the output commit rule.
 */
final class KillSnapshot {

    private KillSnapshot() {
    }

    /** Copies the recording's files in {@code dir} to {@code target} as they are now. */
    static void files(Path dir, Path target) throws IOException {
        Files.createDirectories(target);
        try (var files = Files.list(dir)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                if (Files.isRegularFile(file)) {
                    Files.copy(file, target.resolve(file.getFileName()));
                }
            }
        }
    }

    /** Exactly {@code length} bytes from the peer's end of a connection to the process, as ASCII text. */
    static String received(SocketChannel channel, int length) throws IOException {
        ByteBuffer reply = ByteBuffer.allocate(length);
        while (reply.hasRemaining()) {
            if (channel.read(reply) < 0) {
                throw new IOException("the process closed the connection");
            }
        }
        return new String(reply.array(), StandardCharsets.US_ASCII);
    }
}
