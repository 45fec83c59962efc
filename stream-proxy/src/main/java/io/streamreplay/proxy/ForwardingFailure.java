package io.streamreplay.proxy;

import io.streamreplay.stream.Stream;
import java.io.IOException;

/** A stream of a proxied connection failed: {@link #stream()} is the one, {@link #getCause()} says how. */
final class ForwardingFailure extends Exception {
    private static final long serialVersionUID = 1L;

    private final transient Stream stream;

    ForwardingFailure(Stream stream, IOException cause) {
        super(cause.getMessage(), cause);
        this.stream = stream;
    }

    /** The stream whose call failed. */
    Stream stream() {
        return stream;
    }
}
