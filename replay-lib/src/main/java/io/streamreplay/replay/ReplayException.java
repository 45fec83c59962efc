package io.streamreplay.replay;

/**
 * The end of a replay, thrown out of {@link io.streamreplay.poll.PollLoop#block()} or out of a stream operation:
 * the recording is used up, or the application did something the recording cannot answer. Either way the replay
 * cannot go on. Unchecked, so that it reaches the application's main loop through any stream code.
 */
public abstract class ReplayException extends RecordReplayException {
    private static final long serialVersionUID = 1L;

    ReplayException(String message) {
        super(message);
    }

}
