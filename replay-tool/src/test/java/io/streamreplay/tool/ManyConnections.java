package io.streamreplay.tool;

import io.streamreplay.poll.PollLoop;
import io.streamreplay.replay.ReplayContext;
import io.streamreplay.stream.PassiveStream;
import io.streamreplay.stream.Stream;
import io.streamreplay.stream.StreamProvider;
import io.streamreplay.stream.TlsConfig;
import io.streamreplay.stream.TransportRegistry;
import io.streamreplay.testing.LoopDriver;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A recording of a server that accepts many short connections, as a busy OVSDB server sees {@code ovs-vsctl}:
 * over TCP from four loopback addresses and over a Unix socket, each sending a request and going, one in ten with a
 * reset instead of a clean close.
 */
final class ManyConnections {

    private ManyConnections() {
    }

    /** Records {@code count} connections into {@code dir}; returns how many the server accepted. */
    static int record(Path dir, Path socket, int count) throws Exception {
        int accepted = 0;
        try (ReplayContext recording = ReplayContext.record(dir, "busy-server", List.of("--remote=ptcp:0",
                "--remote=punix:" + socket))) {
            PollLoop loop = recording.newPollLoop();
            StreamProvider streams = recording.streams(TransportRegistry.standard(TlsConfig.none()));
            PassiveStream tcp = streams.listen("ptcp:0:127.0.0.1");
            PassiveStream unix = streams.listen("punix:" + socket);
            int port = Integer.parseInt(tcp.name().split(":")[1]);
            AtomicReference<Exception> failed = new AtomicReference<>();
            Thread clients = new Thread(() -> {
                try {
                    for (int i = 0; i < count; i++) {
                        connectOnce(i, port, socket);
                    }
                } catch (Exception e) {
                    failed.set(e);
                }
            }, "many-clients");
            clients.start();
            List<Stream> open = new ArrayList<>();
            int[] done = {0};
            int[] total = {0};
            ByteBuffer buffer = ByteBuffer.allocate(4096);
            LoopDriver.runUntil(loop, () -> done[0] == count || failed.get() != null, () -> {
                for (PassiveStream listener : List.of(tcp, unix)) {
                    try {
                        for (Stream stream = listener.accept(); stream != null; stream = listener.accept()) {
                            open.add(stream);
                            total[0]++;
                        }
                    } catch (IOException e) {
                        failed.set(e);
                    }
                    listener.waitAccept(loop, "accept");
                }
                for (Iterator<Stream> it = open.iterator(); it.hasNext();) {
                    Stream stream = it.next();
                    boolean finished;
                    try {
                        // The server closes once it has the request (so that the client's port is free at once),
                        // or at the end of the stream, or at its error.
                        buffer.clear();
                        finished = stream.recv(buffer) != 0;
                    } catch (IOException e) {
                        finished = true;
                    }
                    if (finished) {
                        stream.close();
                        it.remove();
                        done[0]++;
                    } else {
                        stream.waitRecv(loop, "recv");
                    }
                }
            }, 180_000);
            clients.join(10_000);
            if (failed.get() != null) {
                throw failed.get();
            }
            accepted = total[0];
            tcp.close();
            unix.close();
        }
        return accepted;
    }

    /**
     * Connection {@code i}: one in five over Unix, the rest over TCP from 127.0.0.(1 + i % 4); one in ten reset. A
     * client waits for the server to close first: a client that closes first leaves its port in TIME_WAIT, which
     * Linux reuses at once on loopback while the server's end of the old connection may still be open, and the new
     * connection's SYN is then lost for a second.
     */
    private static void connectOnce(int i, int port, Path socket) throws IOException {
        byte[] request = ("{\"id\":" + i + ",\"method\":\"list_dbs\",\"params\":[]}")
                .getBytes(StandardCharsets.US_ASCII);
        if (i % 5 == 4) {
            try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                channel.connect(UnixDomainSocketAddress.of(socket));
                channel.write(ByteBuffer.wrap(request));
                ByteBuffer discard = ByteBuffer.allocate(64);
                int n; // read until the server closes
                do {
                    discard.clear();
                    n = channel.read(discard);
                } while (n >= 0);
            }
            return;
        }
        try (Socket client = new Socket()) {
            client.bind(new InetSocketAddress(InetAddress.getByName("127.0.0." + (1 + i % 4)), 0));
            client.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 10_000);
            if (i % 10 == 3) {
                client.setSoLinger(true, 0); // a reset before the request, as a client killed early leaves
            } else {
                OutputStream out = client.getOutputStream();
                out.write(request);
                out.flush();
                client.setSoTimeout(10_000);
                int b; // read until the server closes
                do {
                    b = client.getInputStream().read();
                } while (b >= 0);
            }
        }
    }
}
