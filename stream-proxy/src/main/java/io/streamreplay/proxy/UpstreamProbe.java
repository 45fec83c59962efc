package io.streamreplay.proxy;

import io.streamreplay.poll.PollLoop;
import io.streamreplay.stream.Stream;
import io.streamreplay.stream.TlsConfig;
import io.streamreplay.stream.TransportRegistry;
import java.io.IOException;

/**
 * Whether the upstream accepts connections now, for {@code /health}: each question opens a connection to it and
 * closes it at once (for {@code ssl:}, a plain TCP connection: accepting is what is asked, not a handshake).
 *
 * <p>It runs on the HTTP endpoint's thread, with a poll loop and sockets of its own, outside the proxy's streams:
 * probes are neither recorded nor counted, and never delay the proxy's loop. Thread-safe (one probe at a time).
 */
final class UpstreamProbe {

    private static final long TIMEOUT_MILLIS = 2000;

    private final String target;
    private final TransportRegistry transports = TransportRegistry.standard(TlsConfig.none());
    private String lastFailure = "";

    UpstreamProbe(String upstream) {
        this.target = upstream.startsWith("ssl:") ? "tcp:" + upstream.substring("ssl:".length()) : upstream;
    }

    /** Connects to the upstream and hangs up; returns whether it accepted within 2 s. */
    synchronized boolean accepts() {
        try (PollLoop loop = PollLoop.live()) {
            Stream stream = transports.openBlocking(loop, target, TIMEOUT_MILLIS);
            stream.close();
            return true;
        } catch (IOException e) {
            lastFailure = e.getMessage();
            return false;
        }
    }

    /** Why the last probe failed. */
    synchronized String lastFailure() {
        return "the upstream does not accept connections: " + lastFailure;
    }
}
