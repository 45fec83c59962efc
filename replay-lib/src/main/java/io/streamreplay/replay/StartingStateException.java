package io.streamreplay.replay;

import java.io.IOException;

/**
 * A replay cannot start because a file the recorded process read its starting state from is not in that state here
 * (another database, a file the recorded process had not yet created), or because the recording's copy of it is
 * missing or damaged. Thrown before the replayed process reads the file, which is left untouched; the message says
 * what differs and how to start from the recording's copy instead.
 */
public final class StartingStateException extends IOException {

    private static final long serialVersionUID = 1L;

    public StartingStateException(String message) {
        super(message);
    }
}
