package io.streamreplay.poll;

/**
 * The only source of time for code running on a {@link PollLoop}.
 *
 * <p>Code never calls {@code System.nanoTime()} or {@code System.currentTimeMillis()} itself; it asks the clock of
 * its loop. That is what lets a replay substitute recorded time for real time.
 *
 * <p>Implementations are read on the loop thread; they need not be thread-safe unless documented.
 */
public interface Clock {

    /** Monotonic time in nanoseconds, for measuring intervals and timer deadlines; its origin is arbitrary. */
    long nanoTime();

    /** Wall-clock time in milliseconds since the Unix epoch, for timestamps shown to people or stored on disk. */
    long wallMillis();
}
