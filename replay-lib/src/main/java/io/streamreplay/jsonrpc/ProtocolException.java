package io.streamreplay.jsonrpc;

import java.io.IOException;

/**
 * A peer broke the JSON-RPC protocol: malformed JSON, a message over the size limit, a message of the wrong shape.
 * The connection it happened on is no longer usable.
 */
public final class ProtocolException extends IOException {
    private static final long serialVersionUID = 1L;

    /** {@code message} says what was wrong, and where when known. */
    public ProtocolException(String message) {
        super(message);
    }

    /** As {@link #ProtocolException(String)}, keeping the parser's exception as the cause. */
    public ProtocolException(String message, Throwable cause) {
        super(message, cause);
    }
}
