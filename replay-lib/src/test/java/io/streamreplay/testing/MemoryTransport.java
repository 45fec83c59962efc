package io.streamreplay.testing;

import io.streamreplay.poll.PollLoop;
import io.streamreplay.stream.PassiveStream;
import io.streamreplay.stream.Stream;
import io.streamreplay.stream.Transport;
import io.streamreplay.stream.TransportRegistry;
import java.io.IOException;
import java.net.ConnectException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/**
 * Streams inside one process, with no socket: {@code mem:NAME} connects to the listener {@code pmem:NAME} of the
 * same transport instance. For tests of protocol logic that must be deterministic: with a {@link ManualBlocker},
 * nothing depends on the operating system's scheduling or on real time.
 *
 * <p>Each direction of a connection is a buffer of {@link #CAPACITY} bytes, so a writer whose reader does not read
 * sees {@code send} accept less, then nothing, as over a network. Closing one end is EOF for the other once it has
 * read what was sent. A connection to a name nobody listens on fails with "connection refused", and accepted
 * streams are named {@code mem:NAME#N} as {@code punix:} names them. Waits work on any loop through
 * {@link PollLoop#waitReady}. Streams report that they need probes, like a network transport.
 *
 * <p>Loop thread only: both ends of a connection belong to one loop's thread.
 */
public final class MemoryTransport implements Transport {

    /** Bytes each direction of a connection buffers. */
    public static final int CAPACITY = 64 * 1024;

    private final Map<String, Listener> listeners = new HashMap<>();

    /** A registry with this transport alone. */
    public TransportRegistry registry() {
        return new TransportRegistry().register(this);
    }

    @Override
    public String prefix() {
        return "mem";
    }

    @Override
    public String usage() {
        return "mem:NAME  in-memory connection to pmem:NAME in the same process";
    }

    @Override
    public Stream open(String name, String target) {
        Listener listener = listeners.get(target);
        if (listener == null) {
            return new End(name, null, new ConnectException(name + ": connection failed: connection refused"));
        }
        Pipe up = new Pipe();
        Pipe down = new Pipe();
        End client = new End(name, "pmem:" + target, null);
        client.connect(down, up);
        listener.accepted++;
        End server = new End(name + "#" + listener.accepted, name, null);
        server.connect(up, down);
        listener.pending.add(server);
        return client;
    }

    @Override
    public PassiveStream listen(String name, String target) throws IOException {
        if (listeners.containsKey(target)) {
            throw new IOException(name + ": cannot listen: already listening on " + target);
        }
        Listener listener = new Listener(name, target);
        listeners.put(target, listener);
        return listener;
    }

    /** One direction of a connection. */
    private static final class Pipe {
        final ByteBuffer bytes = ByteBuffer.allocate(CAPACITY).flip();
        boolean closed;

        int write(ByteBuffer src) {
            bytes.compact();
            int n = Math.min(bytes.remaining(), src.remaining());
            ByteBuffer slice = src.duplicate();
            slice.limit(slice.position() + n);
            bytes.put(slice);
            src.position(src.position() + n);
            bytes.flip();
            return n;
        }

        int read(ByteBuffer dst) {
            int n = Math.min(bytes.remaining(), dst.remaining());
            ByteBuffer slice = bytes.duplicate();
            slice.limit(slice.position() + n);
            dst.put(slice);
            bytes.position(bytes.position() + n);
            return n;
        }

        boolean full() {
            return bytes.remaining() == CAPACITY;
        }
    }

    /** One end of a connection. */
    private static final class End implements Stream {
        private final String name;
        private final String peer;
        private final IOException failure;
        private Pipe in;
        private Pipe out;
        private boolean closed;
        private boolean sendShutdown;

        End(String name, String peer, IOException failure) {
            this.name = name;
            this.peer = peer;
            this.failure = failure;
        }

        void connect(Pipe in, Pipe out) {
            this.in = in;
            this.out = out;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public String peer() {
            return failure == null ? peer : "";
        }

        @Override
        public boolean connect() throws IOException {
            check();
            return true;
        }

        @Override
        public int recv(ByteBuffer dst) throws IOException {
            check();
            int n = in.read(dst);
            if (n == 0 && in.closed && !in.bytes.hasRemaining()) {
                return -1;
            }
            return n;
        }

        @Override
        public int send(ByteBuffer src) throws IOException {
            check();
            if (sendShutdown) {
                throw new IllegalStateException(name + ": send after the sending side was shut down");
            }
            if (out.closed) {
                throw new IOException(name + ": connection reset by peer");
            }
            return out.write(src);
        }

        @Override
        public boolean shutdownSend() throws IOException {
            check();
            sendShutdown = true;
            out.closed = true;
            return true;
        }

        @Override
        public void reset() {
            close();
        }

        private void check() throws IOException {
            if (failure != null) {
                throw failure;
            }
            if (closed) {
                throw new IOException(name + ": stream is closed");
            }
        }

        @Override
        public void waitConnect(PollLoop loop, String where) {
            loop.wakeImmediately(where);
        }

        @Override
        public void waitRecv(PollLoop loop, String where) {
            if (failure != null || closed) {
                loop.wakeImmediately(where);
            } else {
                loop.waitReady(() -> in.bytes.hasRemaining() || in.closed, where);
            }
        }

        @Override
        public void waitSend(PollLoop loop, String where) {
            if (failure != null || closed) {
                loop.wakeImmediately(where);
            } else {
                loop.waitReady(() -> !out.full() || out.closed, where);
            }
        }

        @Override
        public boolean needsProbes() {
            return true;
        }

        @Override
        public void close() {
            closed = true;
            if (out != null) {
                out.closed = true;
            }
            if (in != null) {
                in.closed = true;
            }
        }
    }

    /** A listener: connections opened to its name wait here until accepted. */
    private final class Listener implements PassiveStream {
        private final String name;
        private final String target;
        private final Deque<End> pending = new ArrayDeque<>();
        private int accepted;

        Listener(String name, String target) {
            this.name = name;
            this.target = target;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public Stream accept() {
            return pending.poll();
        }

        @Override
        public void waitAccept(PollLoop loop, String where) {
            loop.waitReady(() -> !pending.isEmpty(), where);
        }

        @Override
        public void close() {
            listeners.remove(target, this);
            for (End connection : pending) {
                connection.close();
            }
            pending.clear();
        }
    }
}
