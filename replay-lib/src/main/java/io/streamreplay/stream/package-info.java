/**
 * Non-blocking byte streams named by strings: {@link io.streamreplay.stream.Stream} (active) and
 * {@link io.streamreplay.stream.PassiveStream} (listening), one {@link io.streamreplay.stream.Transport} per kind
 * of socket, and the {@link io.streamreplay.stream.TransportRegistry} that resolves a name's prefix.
 *
 * <p>Applications open streams through a {@link io.streamreplay.stream.StreamProvider}. A live process uses the
 * registry itself; recording and replay wrap or replace it (package {@code io.streamreplay.replay}), so no
 * transport knows about either.
 */
package io.streamreplay.stream;
