package io.streamreplay.client.bench;

import io.streamreplay.poll.PollLoop;

/**
 * What a {@link BenchEngine} runs with, supplied by the program that runs it: the poll loop its connections are
 * on, a clock whose readings a replay repeats, and whether the user asked to stop.
 *
 * <p>Used from the engine's thread; {@link #interrupted()} may turn true at any time (from a signal handler).
 */
public interface BenchRuntime {

    /** The loop the engine's connections were opened on. */
    PollLoop loop();

    /** A monotonic reading in nanoseconds, the same again when the run is replayed. */
    long nanoTime();

    /** Whether the user asked the run to stop (Ctrl-C). */
    boolean interrupted();
}
