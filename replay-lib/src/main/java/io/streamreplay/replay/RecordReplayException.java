package io.streamreplay.replay;

/**
 * Recording or replaying stops the process: the end of a replay or its divergence ({@link ReplayException}), or a
 * failed recording under {@link RecordingFailurePolicy#EXIT} ({@link RecordingFailedException}). Thrown out of
 * {@link io.streamreplay.poll.PollLoop#block()} or a stream operation, unchecked so that it reaches the application's
 * main loop through any code, which maps it to the process's exit status in one place:
 * <pre>{@code
 * } catch (RecordReplayException e) {
 *     log(e);
 *     return e.exitStatus();
 * }</pre>
 */
public abstract class RecordReplayException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    RecordReplayException(String message) {
        super(message);
    }

    RecordReplayException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * The exit status the process should end with, as {@code docs/record-replay.md} documents them: 0 for a replay
     * that ends where a recording of a stopped or killed process ends, 3 for one that ran out of a complete
     * recording, 4 for a divergence, 5 for a failed recording.
     */
    public abstract int exitStatus();

    /** Whether this is the expected end of a replay (its exit status is 0) rather than a failure to report. */
    public boolean isExpectedEnd() {
        return exitStatus() == 0;
    }
}
