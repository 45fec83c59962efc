/**
 * Recording and replay of everything that comes into a process through its streams.
 *
 * <p>An application creates one {@link io.streamreplay.replay.ReplayContext} at start-up (usually from
 * {@link io.streamreplay.replay.ReplayOptions}) and takes its {@link io.streamreplay.poll.PollLoop} and its
 * {@link io.streamreplay.stream.StreamProvider} from it. Recording wraps the live transports and tees every
 * result into per-stream files; replay replaces the transports with those files and the loop's clock with the
 * recorded one. The file format is specified in {@code docs/replay-format.md}.
 */
package io.streamreplay.replay;
