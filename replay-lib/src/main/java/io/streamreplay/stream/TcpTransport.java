package io.streamreplay.stream;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.UnresolvedAddressException;

/**
 * TCP: {@code tcp:HOST[:PORT]} and {@code ptcp:[PORT][:IP]}; the port defaults to 6640, and {@code ptcp:0} binds an
 * ephemeral port that the listener's name then reports. Streams have Nagle's algorithm off and need probes.
 */
public final class TcpTransport implements Transport {

    @Override
    public String prefix() {
        return "tcp";
    }

    @Override
    public String usage() {
        return "tcp:HOST[:PORT]  TCP connection (port 6640 by default); ptcp:[PORT][:IP]  TCP listener";
    }

    @Override
    public Stream open(String name, String target) throws IOException {
        InetSocketAddress address = Addresses.resolve(name, Addresses.parseActive(name, target));
        SocketChannel channel = openChannel(name, address);
        return new ChannelStream(name, channel, true);
    }

    /** Starts a non-blocking connection to {@code address}; shared with {@link SslTransport}. */
    static SocketChannel openChannel(String name, InetSocketAddress address) throws IOException {
        SocketChannel channel = SocketChannel.open();
        try {
            channel.configureBlocking(false);
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            channel.connect(address);
            return channel;
        } catch (IOException | UnresolvedAddressException e) {
            channel.close();
            throw new IOException(name + ": connection failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void check(String name, String target, boolean passive) throws InvalidStreamNameException {
        if (passive) {
            Addresses.parsePassive(name, target);
        } else {
            Addresses.parseActive(name, target);
        }
    }

    @Override
    public PassiveStream listen(String name, String target) throws IOException {
        return listenChannel(name, target, (ch, peer) -> new ChannelStream("tcp:" + peer, ch, true));
    }

    /** Turns an accepted TCP channel into a stream, given its formatted peer address. */
    @FunctionalInterface
    interface AcceptedTcp {
        Stream create(SocketChannel channel, String peer) throws IOException;
    }

    /** Binds a TCP listener; shared with {@link SslTransport}, which makes different streams of the channels. */
    static ChannelPassiveStream listenChannel(String name, String target, AcceptedTcp accepted) throws IOException {
        InetSocketAddress address = Addresses.parsePassive(name, target);
        ServerSocketChannel server = ServerSocketChannel.open();
        try {
            server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            server.bind(address);
            server.configureBlocking(false);
        } catch (IOException e) {
            server.close();
            throw new IOException(name + ": cannot listen: " + e.getMessage(), e);
        }
        InetSocketAddress bound = (InetSocketAddress) server.getLocalAddress();
        String prefix = name.substring(0, name.indexOf(':'));
        String boundName = prefix + ":" + bound.getPort() + ":" + Addresses.format(bound).replaceAll(":\\d+$", "");
        return new ChannelPassiveStream(boundName, server, channel -> {
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            return accepted.create(channel, Addresses.format(channel.getRemoteAddress()));
        }, () -> {});
    }
}
