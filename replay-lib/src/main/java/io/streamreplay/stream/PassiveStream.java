package io.streamreplay.stream;

import io.streamreplay.poll.PollLoop;
import java.io.IOException;

/**
 * A non-blocking listener that accepts {@link Stream}s.
 *
 * <p>{@link #accept()} returns a new stream, or {@code null} if no connection is pending; it throws an
 * {@link IOException} (message beginning with the listener's name) if accepting failed. An accept error does not
 * close the listener. {@link #close()} stops listening and releases the address (a {@code punix:} listener removes
 * its socket file); it never throws.
 *
 * <p>Threading: loop thread only.
 */
public interface PassiveStream extends AutoCloseable {

    /**
     * The listener's name with the address it actually bound: {@code ptcp:0} becomes, for example,
     * {@code ptcp:41234:127.0.0.1}.
     */
    String name();

    /**
     * Accepts one pending connection.
     *
     * @return the accepted stream, named after its peer, or {@code null} if none is pending
     * @throws IOException if accepting failed
     */
    Stream accept() throws IOException;

    /** Wakes {@code loop} when {@link #accept()} can return a stream or an error. */
    void waitAccept(PollLoop loop, String where);

    @Override
    void close();
}
