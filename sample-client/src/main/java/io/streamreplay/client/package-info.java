/**
 * {@code sample-client}: a command-line OVSDB client built on the library. One Picocli class per command on top of
 * {@link io.streamreplay.client.ClientCommand} (runtime, output, errors, exit status); the {@code ClientRuntime} that
 * a command's options select (live, recording or replaying); {@code OvsdbClient} for blocking requests over the poll
 * loop. Uses {@code format} and {@code bench}, which use neither it nor each other.
 */
package io.streamreplay.client;
