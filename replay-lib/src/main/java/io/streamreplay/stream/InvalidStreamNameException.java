package io.streamreplay.stream;

import java.io.IOException;

/** A stream name that no transport accepts: an unknown prefix, or a malformed address for a known one. */
public final class InvalidStreamNameException extends IOException {
    private static final long serialVersionUID = 1L;

    /** {@code reason} says what is wrong; the message becomes {@code "NAME: REASON"}. */
    public InvalidStreamNameException(String name, String reason) {
        super(name + ": " + reason);
    }
}
