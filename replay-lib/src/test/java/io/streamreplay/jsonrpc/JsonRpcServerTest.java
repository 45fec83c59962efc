package io.streamreplay.jsonrpc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamreplay.replay.ReplayContext;
import io.streamreplay.stream.TlsConfig;
import io.streamreplay.stream.TransportRegistry;
import io.streamreplay.testing.CounterServer;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A server's sessions over real Unix sockets: what a peer that stops sending still gets. */
class JsonRpcServerTest {

    @TempDir
    Path dir;

    @Test
    @Timeout(60)
    void aPeerThatHalfClosesAfterPipelinedRequestsGetsEveryReply() throws Exception {
        Path socket = dir.resolve("server.sock");
        CounterServer server = new CounterServer(ReplayContext.live(), TransportRegistry.standard(TlsConfig.none()),
                List.of("punix:" + socket), dir.resolve("server.ctl"));
        Thread loop = new Thread(server::runUntilExit, "server loop");
        loop.start();
        try (SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            // 2,000 requests of about 1 KB, all sent before any reply is read, then the end of the client's side.
            String padding = "x".repeat(1000);
            StringBuilder requests = new StringBuilder();
            for (int i = 0; i < 2000; i++) {
                requests.append("{\"id\":").append(i).append(",\"method\":\"add\",\"params\":[1,\"").append(padding)
                        .append("\"]}");
            }
            ByteBuffer out = ByteBuffer.wrap(requests.toString().getBytes(StandardCharsets.UTF_8));
            while (out.hasRemaining()) {
                channel.write(out);
            }
            channel.shutdownOutput();

            MessageParser parser = new MessageParser(1 << 20);
            ByteBuffer in = ByteBuffer.allocate(64 * 1024);
            channel.configureBlocking(false);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            int replies = 0;
            long last = 0;
            while (System.nanoTime() < deadline) {
                in.clear();
                int n = channel.read(in);
                if (n < 0) {
                    break;
                }
                if (n == 0) {
                    Thread.sleep(5);
                    continue;
                }
                parser.feed(in.array(), 0, n);
                for (JsonNode reply = parser.next(); reply != null; reply = parser.next()) {
                    replies++;
                    last = reply.get("result").asLong();
                }
            }
            assertEquals(2000, replies, "every request read is answered before the connection closes");
            assertEquals(2000, last);
        } finally {
            server.stop();
            loop.join(10_000);
        }
    }
}
