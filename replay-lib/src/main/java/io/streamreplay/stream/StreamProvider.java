package io.streamreplay.stream;

import io.streamreplay.poll.PollLoop;
import java.io.IOException;
import java.net.SocketTimeoutException;

/**
 * Opens streams and listeners by name: the one entry point applications use, so that recording and replay can be
 * put in front of the transports without the application knowing.
 *
 * <p>Implementations: {@link TransportRegistry} (live), and the recording and replaying providers of package
 * {@code io.streamreplay.replay}. Loop thread only.
 */
public interface StreamProvider {

    /**
     * Starts connecting to {@code name} ({@code tcp:HOST:PORT}, {@code unix:PATH}, {@code ssl:HOST:PORT}, ...).
     * Returns at once; use {@link Stream#connect()} to learn the outcome.
     *
     * @throws InvalidStreamNameException if the name has an unknown prefix or is malformed
     * @throws IOException if the connection could not even be started
     */
    Stream open(String name) throws IOException;

    /**
     * Starts listening on {@code name} ({@code ptcp:PORT[:IP]}, {@code punix:PATH}, {@code pssl:PORT[:IP]}).
     *
     * @throws InvalidStreamNameException if the name has an unknown prefix or is malformed
     * @throws IOException if the address cannot be bound (in use, no permission, ...)
     */
    PassiveStream listen(String name) throws IOException;

    /**
     * Opens {@code name} and runs {@code loop} until the connection is established: a convenience for simple
     * programs and tests, built on the non-blocking calls.
     *
     * @throws SocketTimeoutException if it takes longer than {@code timeoutMillis} on the loop's clock
     * @throws IOException if opening or connecting fails
     */
    default Stream openBlocking(PollLoop loop, String name, long timeoutMillis) throws IOException {
        Stream stream = open(name);
        long deadline = loop.deadlineAfterMillis(timeoutMillis);
        try {
            while (!stream.connect()) {
                if (loop.now() >= deadline) {
                    throw new SocketTimeoutException(name + ": connection timed out after " + timeoutMillis + " ms");
                }
                stream.waitConnect(loop, "openBlocking");
                loop.waitUntil(deadline, "openBlocking timeout");
                loop.block();
            }
            return stream;
        } catch (IOException | RuntimeException e) {
            stream.close();
            throw e;
        }
    }
}
