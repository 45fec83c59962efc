package io.streamreplay.stream;

import io.streamreplay.poll.PollLoop;
import java.io.IOException;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

/**
 * A {@link Stream} over a non-blocking {@link SocketChannel}: the socket mechanics shared by TCP and Unix-domain
 * streams, which differ only in how their transports parse addresses and set options.
 *
 * <p>Also the byte carrier under {@link SslStream}, which reaches the channel through {@link #channel()}.
 * Loop thread only.
 */
public final class ChannelStream implements Stream {

    private final String name;
    private final SocketChannel channel;
    private final boolean needsProbes;
    private boolean connected;
    private boolean sendShutdown;
    private String peer = "";
    private IOException failure;

    /**
     * Wraps {@code channel}, which is non-blocking and either connected or with a connection pending.
     *
     * @param needsProbes whether the transport is a network one (see {@link Stream#needsProbes()})
     */
    public ChannelStream(String name, SocketChannel channel, boolean needsProbes) {
        this.name = name;
        this.channel = channel;
        this.needsProbes = needsProbes;
        if (channel.isConnected()) {
            markConnected();
        }
    }

    /** The underlying channel, for transports layered on this one. */
    SocketChannel channel() {
        return channel;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String peer() {
        return peer;
    }

    @Override
    public boolean connect() throws IOException {
        if (failure != null) {
            throw failure;
        }
        if (!connected) {
            try {
                if (channel.finishConnect()) {
                    markConnected();
                }
            } catch (IOException e) {
                throw fail("connection failed", e);
            }
        }
        return connected;
    }

    @Override
    public int recv(ByteBuffer dst) throws IOException {
        if (!connect()) {
            return 0;
        }
        try {
            return channel.read(dst);
        } catch (IOException e) {
            throw fail("receive failed", e);
        }
    }

    @Override
    public int send(ByteBuffer src) throws IOException {
        if (!connect()) {
            return 0;
        }
        checkSendOpen(name, sendShutdown);
        try {
            return channel.write(src);
        } catch (IOException e) {
            throw fail("send failed", e);
        }
    }

    @Override
    public boolean shutdownSend() throws IOException {
        if (!connect()) {
            return false;
        }
        if (!sendShutdown) {
            try {
                channel.shutdownOutput();
            } catch (IOException e) {
                throw fail("shutting down the sending side failed", e);
            }
            sendShutdown = true;
        }
        return true;
    }

    /** Refuses a send after {@link #shutdownSend()}: the caller's mistake, not the stream's failure. */
    static void checkSendOpen(String name, boolean shutdown) {
        if (shutdown) {
            throw new IllegalStateException(name + ": send after the sending side was shut down");
        }
    }

    @Override
    public void waitConnect(PollLoop loop, String where) {
        if (connected || failure != null) {
            loop.wakeImmediately(where);
        } else {
            loop.waitChannel(channel, SelectionKey.OP_CONNECT, where);
        }
    }

    @Override
    public void waitRecv(PollLoop loop, String where) {
        if (failure != null) {
            loop.wakeImmediately(where);
        } else {
            loop.waitChannel(channel, connected ? SelectionKey.OP_READ : SelectionKey.OP_CONNECT, where);
        }
    }

    @Override
    public void waitSend(PollLoop loop, String where) {
        if (failure != null) {
            loop.wakeImmediately(where);
        } else {
            loop.waitChannel(channel, connected ? SelectionKey.OP_WRITE : SelectionKey.OP_CONNECT, where);
        }
    }

    @Override
    public boolean needsProbes() {
        return needsProbes;
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            // Closing a socket can only fail for reasons the caller cannot act on; the descriptor is released.
        }
    }

    @Override
    public void reset() {
        try {
            if (channel.supportedOptions().contains(StandardSocketOptions.SO_LINGER)) {
                channel.setOption(StandardSocketOptions.SO_LINGER, 0);
            }
        } catch (IOException e) {
            // A socket that already failed cannot take the option; closing it is all that is left.
        }
        close();
    }

    /** Records a sticky failure with the stream's name and the cause's reason, and returns it. */
    IOException fail(String what, IOException cause) {
        if (failure == null) {
            String reason = cause.getMessage() != null ? cause.getMessage() : cause.getClass().getSimpleName();
            failure = new IOException(name + ": " + what + ": " + reason, cause);
        }
        return failure;
    }

    private void markConnected() {
        connected = true;
        try {
            SocketAddress remote = channel.getRemoteAddress();
            peer = remote == null ? "" : Addresses.format(remote);
        } catch (IOException e) {
            peer = "";
        }
    }
}
