package io.streamreplay.poll;

import java.io.IOException;

/**
 * How a {@link PollLoop} blocks: the one point where live operation and replay differ for the loop.
 *
 * <p>The live blocker waits on an NIO selector with the real clock; a replay substitutes one that never sleeps and
 * advances recorded time instead. Loop thread only, except {@link #wakeup()}.
 */
public interface Blocker extends AutoCloseable {

    /** The clock that deadlines registered on the loop are measured with. */
    Clock clock();

    /**
     * Blocks until one of {@code waits} is satisfied (or returns at once if it asks for an immediate wake-up).
     *
     * @return a short description of what woke the loop, for debug logging
     * @throws IOException if the underlying selector fails
     */
    String block(Waits waits) throws IOException;

    /** Makes a concurrent or the next {@link #block} return soon. Safe from any thread. */
    void wakeup();

    @Override
    void close() throws IOException;
}
