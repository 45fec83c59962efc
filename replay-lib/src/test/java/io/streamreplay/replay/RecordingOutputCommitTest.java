package io.streamreplay.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.streamreplay.poll.PollLoop;
import io.streamreplay.stream.PassiveStream;
import io.streamreplay.stream.Stream;
import io.streamreplay.stream.TlsConfig;
import io.streamreplay.stream.TransportRegistry;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A peer never sees what a recorded process did on inputs its recording would lose to a {@code kill -9}: before the
 * process sends, the inputs recorded since the files were last written are written (to the page cache, which a
 * killed process does not lose). A loop iteration may answer many requests before it blocks, as a JSON-RPC server
 * answers up to 50 messages of a client per iteration, reading the next request as soon as it has answered one; a
 * recording written only when the loop blocks lost all of them, though the client had every answer.
 */
class RecordingOutputCommitTest {

    private static final String PROGRAM = "answering-server";

    @TempDir
    Path tmp;

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void aProcessKilledMidIterationReplaysEveryRequestItHadAnswered() throws Exception {
        Path dir = tmp.resolve("recording");
        Path socket = tmp.resolve("s.sock");
        Path killed = tmp.resolve("killed");
        ReplayContext recording = ReplayContext.record(dir, PROGRAM, List.of());
        AnsweringServer server = new AnsweringServer(recording, socket);
        try (SocketChannel client = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            client.connect(UnixDomainSocketAddress.of(socket));
            server.acceptClient();
            // One loop iteration: each request arrives once the last is answered, and is answered at once.
            for (int i = 1; i <= 3; i++) {
                client.write(ByteBuffer.wrap(("request " + i).getBytes(StandardCharsets.US_ASCII)));
                server.answer();
                assertEquals("ok request " + i, KillSnapshot.received(client, ("ok request " + i).length()));
            }
            // The process is killed now, mid-iteration: its files are as the page cache holds them.
            KillSnapshot.files(dir, killed);
        } finally {
            recording.close();
        }

        ReplayContext replay = ReplayContext.replay(killed, PROGRAM);
        AnsweringServer replayed = new AnsweringServer(replay, socket);
        RuntimeException end = null;
        try {
            replayed.acceptClient();
            while (replayed.answer()) {
                // The replay answers as long as the recording holds requests.
            }
            replayed.loop.block();
        } catch (ReplayException e) {
            end = e;
        } finally {
            replay.close();
        }
        assertEquals(List.of("request 1", "request 2", "request 3"), replayed.requests,
                "the replay of the killed process receives every request the client had an answer to");
        assertInstanceOf(RecordingExhaustedException.class, end, "the replay ends where the recording ends");
    }

    /** Listens, accepts one client, and answers each request it reads at once, in the same loop iteration. */
    private static final class AnsweringServer {

        final PollLoop loop;
        final PassiveStream listener;
        final List<String> requests = new ArrayList<>();
        Stream client;

        AnsweringServer(ReplayContext context, Path socket) throws IOException {
            loop = context.newPollLoop();
            listener = context.streams(TransportRegistry.standard(TlsConfig.none())).listen("punix:" + socket);
        }

        void acceptClient() throws IOException {
            while (client == null) {
                listener.waitAccept(loop, "client");
                loop.block();
                client = listener.accept();
            }
        }

        /** Reads a request and answers it, without blocking; false if none has come. */
        boolean answer() throws IOException {
            ByteBuffer in = ByteBuffer.allocate(64);
            int n = client.recv(in);
            if (n <= 0) {
                return false;
            }
            String request = new String(in.array(), 0, n, StandardCharsets.US_ASCII);
            requests.add(request);
            // Small enough to go whole live; a replay whose recording ends here sends nothing.
            client.send(ByteBuffer.wrap(("ok " + request).getBytes(StandardCharsets.US_ASCII)));
            return true;
        }
    }
}
