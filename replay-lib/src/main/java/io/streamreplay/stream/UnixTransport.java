package io.streamreplay.stream;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * Unix-domain sockets: {@code unix:PATH} and {@code punix:PATH}.
 *
 * <p>A listener removes a stale socket file left by a process that died, but refuses to take over a path where a
 * live process still accepts connections, or that is not a socket at all (a regular file, a symbolic link): a
 * mistyped {@code punix:} path must not delete someone's file. It removes its socket file when closed. Streams need no probes (the
 * kernel reports a dead peer at once). Accepted streams are named {@code unix:PATH#N}, N counting from 1.
 */
public final class UnixTransport implements Transport {

    /** The file type bits of a {@code unix:mode}, and the type of a socket ({@code stat(2)}). */
    private static final int S_IFMT = 0170000;
    private static final int S_IFSOCK = 0140000;

    @Override
    public String prefix() {
        return "unix";
    }

    @Override
    public String usage() {
        return "unix:PATH  Unix-domain socket connection; punix:PATH  Unix-domain socket listener";
    }

    @Override
    public Stream open(String name, String target) throws IOException {
        UnixDomainSocketAddress address = address(name, target);
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            channel.configureBlocking(false);
            channel.connect(address);
        } catch (IOException e) {
            channel.close();
            String reason = Files.exists(address.getPath()) ? e.getMessage() : "no such socket file";
            throw new IOException(name + ": connection failed: " + reason, e);
        }
        return new ChannelStream(name, channel, false);
    }

    @Override
    public PassiveStream listen(String name, String target) throws IOException {
        UnixDomainSocketAddress address = address(name, target);
        Path path = address.getPath();
        removeStaleSocket(name, path);
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            server.bind(address);
            server.configureBlocking(false);
        } catch (IOException e) {
            server.close();
            throw new IOException(name + ": cannot listen: " + e.getMessage(), e);
        }
        int[] accepted = {0};
        return new ChannelPassiveStream(name, server,
                channel -> new ChannelStream("unix:" + target + "#" + ++accepted[0], channel, false),
                () -> deleteQuietly(path));
    }

    @Override
    public void check(String name, String target, boolean passive) throws InvalidStreamNameException {
        address(name, target);
    }

    private static UnixDomainSocketAddress address(String name, String target) throws InvalidStreamNameException {
        if (target.isEmpty()) {
            throw new InvalidStreamNameException(name, "missing socket path");
        }
        try {
            return UnixDomainSocketAddress.of(target);
        } catch (IllegalArgumentException e) {
            throw new InvalidStreamNameException(name, "invalid socket path: " + e.getMessage());
        }
    }

    private static void removeStaleSocket(String name, Path path) throws IOException {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        int mode = (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
        if ((mode & S_IFMT) != S_IFSOCK) {
            throw new IOException(name + ": cannot listen: " + path + " exists and is not a socket; refusing to"
                    + " replace it");
        }
        try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            probe.connect(UnixDomainSocketAddress.of(path));
            throw new IOException(name + ": cannot listen: a running process is already listening on " + path);
        } catch (IOException e) {
            if (e.getMessage() != null && e.getMessage().startsWith(name)) {
                throw e;
            }
            // Nobody answers: the file is left over from a process that is gone.
            Files.deleteIfExists(path);
        }
    }

    private static void deleteQuietly(Path path) {
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            // The socket is closed; a leftover file is removed by the next listener on this path.
        }
    }
}
