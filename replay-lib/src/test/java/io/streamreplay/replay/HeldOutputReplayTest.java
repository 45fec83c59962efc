package io.streamreplay.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamreplay.jsonrpc.Json;
import io.streamreplay.jsonrpc.JsonRpcConnection;
import io.streamreplay.jsonrpc.Limits;
import io.streamreplay.jsonrpc.Message;
import io.streamreplay.poll.PollLoop;
import io.streamreplay.stream.PassiveStream;
import io.streamreplay.stream.Stream;
import io.streamreplay.stream.TlsConfig;
import io.streamreplay.stream.TransportRegistry;
import java.io.ByteArrayOutputStream;
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
 * A recorded process holds its notifications back per loop iteration and says so in its manifest ({@code "output":
 * "per-iteration"}); its replay holds them back too and sends exactly the recorded bytes. A recording without that
 * field, made by a build that wrote each message at once, replays with a loop that writes each message at once, so
 * that the replayed process sends in the recorded order.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HeldOutputReplayTest {

    private static final String PROGRAM = "echo-server";
    private static final String REQUESTS = "{\"id\":1,\"method\":\"echo\",\"params\":[\"a\"]}"
            + "{\"id\":2,\"method\":\"echo\",\"params\":[\"b\"]}{\"id\":3,\"method\":\"echo\",\"params\":[\"c\"]}";

    @TempDir
    Path tmp;

    @Test
    void aRecordingHeldItsOutputAndItsReplaySendsTheRecordedBytes() throws Exception {
        Path dir = tmp.resolve("recording");
        Path socket = tmp.resolve("s.sock");
        ReplayContext recording = ReplayContext.record(dir, PROGRAM, List.of());
        String answered;
        try (SocketChannel client = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            EchoServer server = new EchoServer(recording, socket);
            assertTrue(server.loop.holdsOutput());
            client.connect(UnixDomainSocketAddress.of(socket));
            client.write(ByteBuffer.wrap(REQUESTS.getBytes(StandardCharsets.US_ASCII)));
            client.shutdownOutput();
            server.serveUntilEnd();
            answered = readToEnd(client);
        } finally {
            recording.close();
        }
        List<String> sent = new ArrayList<>();
        new ObjectMapper().readerFor(JsonNode.class).readValues(answered).forEachRemaining(m -> sent.add(
                ((JsonNode) m).has("method") ? "echoed " + ((JsonNode) m).path("params").get(0).asText()
                        : "reply " + ((JsonNode) m).path("id").asText()));
        assertEquals(List.of("reply 1", "echoed 1", "reply 2", "echoed 2", "reply 3", "echoed 3"), sent,
                "each held notification went with the next reply, the last before the loop blocked");
        assertTrue(RecordingReader.open(dir).manifest().outputPerIteration());

        ReplayContext replay = ReplayContext.replay(dir, PROGRAM);
        try {
            EchoServer replayed = new EchoServer(replay, socket);
            assertTrue(replayed.loop.holdsOutput(), "the replay holds output as the recorded process did");
            replayed.serveUntilEnd();
            assertEquals(3, replayed.answered);
        } finally {
            replay.close();
        }
    }

    @Test
    void aRecordingWithoutTheFieldReplaysWritingEachMessageAtOnce() throws Exception {
        Path dir = tmp.resolve("recording");
        Path socket = tmp.resolve("s.sock");
        ReplayContext recording = ReplayContext.record(dir, PROGRAM, List.of());
        try (SocketChannel client = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            EchoServer server = new EchoServer(recording, socket);
            client.connect(UnixDomainSocketAddress.of(socket));
            client.write(ByteBuffer.wrap(REQUESTS.getBytes(StandardCharsets.US_ASCII)));
            client.shutdownOutput();
            server.serveUntilEnd();
            readToEnd(client);
        } finally {
            recording.close();
        }
        ObjectMapper json = new ObjectMapper();
        Path manifest = dir.resolve(ReplayFormat.MANIFEST);
        ObjectNode fields = (ObjectNode) json.readTree(manifest.toFile());
        fields.remove("output");
        json.writeValue(manifest.toFile(), fields);

        ReplayContext replay = ReplayContext.replay(dir, PROGRAM);
        try {
            EchoServer replayed = new EchoServer(replay, socket);
            assertFalse(replayed.loop.holdsOutput(), "a recording of a build that wrote each message at once");
            // The recorded bytes went in one write; written one message at a time, they are the same bytes.
            replayed.serveUntilEnd();
            assertEquals(3, replayed.answered);
        } finally {
            replay.close();
        }
    }

    /** Accepts one client and answers its echo requests through a JSON-RPC connection on the context's loop. */
    private static final class EchoServer {

        final PollLoop loop;
        final PassiveStream listener;
        int answered;

        EchoServer(ReplayContext context, Path socket) throws IOException {
            loop = context.newPollLoop();
            listener = context.streams(TransportRegistry.standard(TlsConfig.none())).listen("punix:" + socket);
        }

        /** Serves the client until it closes, then closes the connection. */
        void serveUntilEnd() throws IOException {
            Stream stream = null;
            while (stream == null) {
                listener.waitAccept(loop, "client");
                loop.block();
                stream = listener.accept();
            }
            JsonRpcConnection connection = new JsonRpcConnection(stream, Limits.DEFAULT, loop);
            while (connection.error() == null) {
                Message request;
                while ((request = connection.recv()) != null) {
                    connection.send(Message.reply(request.params(), request.id()));
                    connection.send(Message.notification("echoed", Json.array().add(request.id())));
                    answered++;
                }
                connection.waitRecv(loop, "client");
                connection.waitSend(loop, "client");
                loop.block();
            }
            assertInstanceOf(java.io.EOFException.class, connection.error());
            connection.close();
            listener.close();
        }
    }

    private static String readToEnd(SocketChannel channel) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ByteBuffer buffer = ByteBuffer.allocate(4096);
        while (channel.read(buffer.clear()) >= 0) {
            bytes.write(buffer.array(), 0, buffer.position());
        }
        return bytes.toString(StandardCharsets.US_ASCII);
    }
}
