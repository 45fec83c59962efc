package io.streamreplay.replay;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Writing the recording failed and the process records with {@link RecordingFailurePolicy#EXIT}: thrown out of
 * {@link io.streamreplay.poll.PollLoop#block()} so that the application stops. The manifest is already marked
 * {@code failed}; the cause is the write error. Unchecked, like {@link ReplayException}, so that it reaches the
 * application's main loop.
 */
public final class RecordingFailedException extends RecordReplayException {
    private static final long serialVersionUID = 1L;

    /** The exit status of a process stopped by its recording's failure: {@value}. */
    public static final int EXIT_STATUS = 5;

    RecordingFailedException(Path dir, IOException cause) {
        super("recording to " + dir + " failed (" + cause.getMessage() + ") and the process records with"
                + " --replay-record-on-error=exit: stopping", cause);
    }

    @Override
    public int exitStatus() {
        return EXIT_STATUS;
    }
}
