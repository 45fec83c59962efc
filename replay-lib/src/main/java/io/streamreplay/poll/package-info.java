/**
 * The event loop: a single-threaded poll loop over an NIO {@link java.nio.channels.Selector}, its timers, and
 * the {@link io.streamreplay.poll.Clock} through which all code reads time.
 *
 * <p>Each iteration the application runs its work, registers what it waits for (a channel becoming ready, a
 * deadline, an immediate wake-up), then calls {@link io.streamreplay.poll.PollLoop#block()}. Registrations are
 * one-shot: they last for one call to {@code block()}.
 */
package io.streamreplay.poll;
