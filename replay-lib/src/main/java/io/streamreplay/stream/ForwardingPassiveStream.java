package io.streamreplay.stream;

import io.streamreplay.poll.PollLoop;
import java.io.IOException;

/**
 * A {@link PassiveStream} that forwards every call to another: the base of listener wrappers that change what
 * {@link #accept()} gives (recording it, injecting faults), as {@link ForwardingStream} is for streams. The contract
 * is the delegate's; a subclass must keep it.
 *
 * <p>Threading: as the delegate's, the loop thread only.
 */
public abstract class ForwardingPassiveStream implements PassiveStream {

    private final PassiveStream delegate;

    /** Forwards to {@code delegate}. */
    protected ForwardingPassiveStream(PassiveStream delegate) {
        this.delegate = delegate;
    }

    /** The listener calls are forwarded to. */
    protected final PassiveStream delegate() {
        return delegate;
    }

    @Override
    public String name() {
        return delegate.name();
    }

    @Override
    public Stream accept() throws IOException {
        return delegate.accept();
    }

    @Override
    public void waitAccept(PollLoop loop, String where) {
        delegate.waitAccept(loop, where);
    }

    @Override
    public void close() {
        delegate.close();
    }
}
