package io.streamreplay.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamreplay.poll.PollLoop;
import io.streamreplay.stream.PassiveStream;
import io.streamreplay.stream.Stream;
import io.streamreplay.stream.StreamProvider;
import io.streamreplay.stream.TlsConfig;
import io.streamreplay.stream.TransportRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A half-closed conversation (a request, the client's shutdown of its sending side, the reply after it) recorded
 * over real TCP and replayed from the recording alone: the shutdown is an event of its own ({@code send-shutdown}),
 * and the replay reproduces every step.
 */
class HalfCloseReplayTest {

    @TempDir
    Path tmp;

    @Test
    void aHalfClosedConversationReplaysStepForStep() throws IOException {
        Path dir = tmp.resolve("recording");
        ReplayContext recording = ReplayContext.record(dir, "half-close", List.of());
        List<String> recorded = converse(recording, recording.streams(TransportRegistry.standard(TlsConfig.none())));
        recording.close();
        assertEquals(List.of("server read 'ping' then end of stream", "client read 'pong' then end of stream"),
                recorded);

        List<String> kinds = new ArrayList<>();
        try (RecordingReader reader = RecordingReader.open(dir)) {
            for (RecordedEvent event = reader.next(); event != null; event = reader.next()) {
                kinds.add(event.type().label());
            }
        }
        assertEquals(2, kinds.stream().filter("send-shutdown"::equals).count(), kinds.toString());

        ReplayContext replay = ReplayContext.replay(dir, "half-close");
        List<String> replayed = converse(replay, replay.streams(TransportRegistry.standard(TlsConfig.none())));
        replay.close();
        assertEquals(recorded, replayed);
        assertTrue(replay.events() > 0);
    }

    /** Client and server on one loop: ping, half-close, pong after it, half-close; returns what each read. */
    private static List<String> converse(ReplayContext context, StreamProvider streams) throws IOException {
        PollLoop loop = context.newPollLoop();
        List<String> events = new ArrayList<>();
        try (PassiveStream listener = streams.listen("ptcp:0:127.0.0.1")) {
            Stream client = streams.open("tcp:127.0.0.1:" + listener.name().split(":")[1]);
            Stream[] accepted = {null};
            boolean[] up = {false, false};
            drive(loop, () -> up[0] && up[1], () -> {
                try {
                    if (accepted[0] == null) {
                        accepted[0] = listener.accept();
                    }
                    up[0] = up[0] || client.connect();
                    up[1] = up[1] || (accepted[0] != null && accepted[0].connect());
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                client.waitConnect(loop, "client");
                if (accepted[0] == null) {
                    listener.waitAccept(loop, "listener");
                } else {
                    accepted[0].waitConnect(loop, "accepted");
                }
            }, 10_000);
            Stream server = accepted[0];
            sendThenShutdown(loop, client, "ping");
            events.add("server read '" + readToEnd(loop, server) + "' then end of stream");
            sendThenShutdown(loop, server, "pong");
            events.add("client read '" + readToEnd(loop, client) + "' then end of stream");
            client.close();
            server.close();
        }
        loop.close();
        return events;
    }

    /**
     * Runs {@code step} (work, then waits) and blocks until {@code done}, checking it before each block: a replay
     * must not block once the conversation's step is over, since nothing more is due for it.
     */
    private static void drive(PollLoop loop, BooleanSupplier done, Runnable step, long timeoutMillis) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        step.run();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not reached within " + timeoutMillis + " ms");
            }
            loop.block();
            step.run();
        }
    }

    private static void sendThenShutdown(PollLoop loop, Stream stream, String text) {
        ByteBuffer bytes = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
        boolean[] shut = {false};
        drive(loop, () -> shut[0], () -> {
            try {
                if (bytes.hasRemaining()) {
                    stream.send(bytes);
                } else {
                    shut[0] = stream.shutdownSend();
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            stream.waitSend(loop, "send");
        }, 10_000);
    }

    private static String readToEnd(PollLoop loop, Stream stream) {
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        ByteBuffer buffer = ByteBuffer.allocate(64);
        int[] n = {0};
        drive(loop, () -> n[0] < 0, () -> {
            try {
                n[0] = stream.recv(buffer.clear());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            received.write(buffer.array(), 0, Math.max(0, n[0]));
            stream.waitRecv(loop, "recv");
        }, 10_000);
        return received.toString(StandardCharsets.UTF_8);
    }
}
