package io.streamreplay.stream;

import io.streamreplay.poll.PollLoop;
import java.io.IOException;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/**
 * A {@link PassiveStream} over a non-blocking {@link ServerSocketChannel}, shared by the TCP and Unix-domain
 * transports. Each accepted channel is turned into a stream by the transport's {@link AcceptedStreamFactory},
 * which names it and sets its options. Loop thread only.
 */
public final class ChannelPassiveStream implements PassiveStream {

    private final String name;
    private final ServerSocketChannel channel;
    private final AcceptedStreamFactory accepted;
    private final Runnable onClose;

    /** Turns an accepted channel into a named stream. */
    @FunctionalInterface
    public interface AcceptedStreamFactory {
        /** Returns the stream for {@code channel}, already non-blocking. */
        Stream create(SocketChannel channel) throws IOException;
    }

    /**
     * @param name the name with the bound address
     * @param onClose run once after the channel is closed (a Unix listener removes its socket file)
     */
    public ChannelPassiveStream(String name, ServerSocketChannel channel, AcceptedStreamFactory accepted,
            Runnable onClose) {
        this.name = name;
        this.channel = channel;
        this.accepted = accepted;
        this.onClose = onClose;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Stream accept() throws IOException {
        SocketChannel client;
        try {
            client = channel.accept();
        } catch (IOException e) {
            throw new IOException(name + ": accept failed: " + e.getMessage(), e);
        }
        if (client == null) {
            return null;
        }
        try {
            client.configureBlocking(false);
            return accepted.create(client);
        } catch (IOException e) {
            client.close();
            throw new IOException(name + ": accept failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void waitAccept(PollLoop loop, String where) {
        loop.waitChannel(channel, SelectionKey.OP_ACCEPT, where);
    }

    @Override
    public void close() {
        if (!channel.isOpen()) {
            return;
        }
        try {
            channel.close();
        } catch (IOException e) {
            // Nothing useful to do: the listener is gone either way.
        }
        onClose.run();
    }
}
