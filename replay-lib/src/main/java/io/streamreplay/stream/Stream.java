package io.streamreplay.stream;

import io.streamreplay.poll.PollLoop;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * An active, non-blocking, bidirectional byte stream: a connection that was opened by name or accepted by a
 * {@link PassiveStream}.
 *
 * <h2>Contract</h2>
 * <ul>
 *   <li>No method blocks. Each returns what can be done now; the {@code wait*} methods register with a
 *   {@link PollLoop} what the caller needs next.</li>
 *   <li>A stream is opened connecting. {@link #connect()} returns {@code false} while the connection (and, for
 *   TLS, the handshake) is in progress and {@code true} once data can flow. {@link #recv} and {@link #send} on a
 *   stream still connecting make progress on the connection and transfer nothing.</li>
 *   <li>{@link #recv} returns the number of bytes read (&gt; 0), {@code 0} if none are available now, or {@code -1}
 *   at end of stream (the peer closed its side). EOF is a value, not an exception.</li>
 *   <li>{@link #send} returns the number of bytes accepted ({@code 0} if none can be accepted now). Accepted bytes
 *   are the stream's responsibility; the caller must not offer them again.</li>
 *   <li>Failures are {@link IOException}s whose message begins with the stream's name. A failure is sticky: every
 *   later {@code connect}, {@code recv} or {@code send} throws it again.</li>
 *   <li>{@link #shutdownSend()} ends the sending direction only (a half-close): the peer reads end of stream after
 *   every byte accepted before it, and this side goes on receiving until the peer ends its own direction.</li>
 *   <li>{@link #close()} releases the stream at once, discarding anything not yet transmitted; it never throws.
 *   {@link #reset()} does the same, and the peer sees a reset (TCP RST) rather than an orderly end.</li>
 * </ul>
 *
 * <p>Threading: a stream belongs to the thread of the loop it waits on; it is not thread-safe.
 */
public interface Stream extends AutoCloseable {

    /** The name the stream was opened with, or the name its listener gave it when it was accepted. */
    String name();

    /**
     * The remote end as text ({@code 127.0.0.1:6640}, a socket path), or the empty string while it is unknown
     * (before a connection is established).
     */
    String peer();

    /**
     * Makes progress on a connection in progress.
     *
     * @return {@code true} once established, {@code false} while still in progress
     * @throws IOException if connecting failed (sticky)
     */
    boolean connect() throws IOException;

    /**
     * Reads up to {@code dst.remaining()} bytes into {@code dst}.
     *
     * @return bytes read (&gt; 0), {@code 0} if none are available now (or still connecting), {@code -1} at EOF
     * @throws IOException if the stream has failed (sticky)
     */
    int recv(ByteBuffer dst) throws IOException;

    /**
     * Offers the bytes of {@code src} for transmission; the position advances past the bytes accepted.
     *
     * @return the number of bytes accepted, possibly {@code 0}
     * @throws IOException if the stream has failed (sticky)
     */
    int send(ByteBuffer src) throws IOException;

    /**
     * Ends the sending direction, as TCP's {@code shutdown(SHUT_WR)} does: once every byte already accepted has
     * been transmitted, the peer reads end of stream; this side can still {@link #recv} whatever the peer sends
     * until it ends its own direction. TLS sends its {@code close_notify} alert first. Later calls return
     * {@code true} and do nothing; a {@link #send} after it is a programming error
     * ({@link IllegalStateException}).
     *
     * @return {@code true} once the sending direction is shut down, {@code false} if that cannot complete now (the
     *     stream is still connecting, TLS has not yet written its alert, a replay has not reached the recorded
     *     shutdown): call again once {@link #waitSend} wakes the loop
     * @throws IOException if the stream has failed (sticky)
     */
    boolean shutdownSend() throws IOException;

    /** Wakes {@code loop} when {@link #connect()} can make progress. */
    void waitConnect(PollLoop loop, String where);

    /** Wakes {@code loop} when {@link #recv} can return something other than {@code 0}. */
    void waitRecv(PollLoop loop, String where);

    /** Wakes {@code loop} when {@link #send} can accept bytes or {@link #shutdownSend()} can make progress. */
    void waitSend(PollLoop loop, String where);

    /**
     * Whether a protocol session over this stream should send inactivity probes: true for network transports,
     * false for local sockets and for recorded or replayed streams (whose behaviour must not depend on time).
     */
    boolean needsProbes();

    @Override
    void close();

    /**
     * Closes the stream at once, as {@link #close()} does, and makes the peer see the connection reset (TCP
     * {@code RST}, through a zero linger time) rather than ended in order: for passing on a reset as it happened.
     * Transports without resets (Unix-domain sockets) close normally. Never throws.
     */
    void reset();
}
