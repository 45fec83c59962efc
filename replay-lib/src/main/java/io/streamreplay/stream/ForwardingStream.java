package io.streamreplay.stream;

import io.streamreplay.poll.PollLoop;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A {@link Stream} that forwards every call to another: the base of wrappers that add one behaviour to any transport
 * (recording, injected faults) by overriding only the calls that behaviour concerns, as Okio's
 * {@code ForwardingSource} does. The contract is the delegate's; a subclass must keep it.
 *
 * <p>Threading: as the delegate's, the loop thread only.
 */
public abstract class ForwardingStream implements Stream {

    private final Stream delegate;

    /** Forwards to {@code delegate}. */
    protected ForwardingStream(Stream delegate) {
        this.delegate = delegate;
    }

    /** The stream calls are forwarded to. */
    protected final Stream delegate() {
        return delegate;
    }

    @Override
    public String name() {
        return delegate.name();
    }

    @Override
    public String peer() {
        return delegate.peer();
    }

    @Override
    public boolean connect() throws IOException {
        return delegate.connect();
    }

    @Override
    public int recv(ByteBuffer dst) throws IOException {
        return delegate.recv(dst);
    }

    @Override
    public int send(ByteBuffer src) throws IOException {
        return delegate.send(src);
    }

    @Override
    public boolean shutdownSend() throws IOException {
        return delegate.shutdownSend();
    }

    @Override
    public void waitConnect(PollLoop loop, String where) {
        delegate.waitConnect(loop, where);
    }

    @Override
    public void waitRecv(PollLoop loop, String where) {
        delegate.waitRecv(loop, where);
    }

    @Override
    public void waitSend(PollLoop loop, String where) {
        delegate.waitSend(loop, where);
    }

    @Override
    public boolean needsProbes() {
        return delegate.needsProbes();
    }

    @Override
    public void close() {
        delegate.close();
    }

    @Override
    public void reset() {
        delegate.reset();
    }
}
