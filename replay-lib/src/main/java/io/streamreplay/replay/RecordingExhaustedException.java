package io.streamreplay.replay;

/**
 * Every recorded event has been replayed and the application waits for more: the recorded process was stopped
 * (or killed) at this point. A normal end for a replay of a process that did not exit by itself.
 */
public final class RecordingExhaustedException extends ReplayException {

    /** The exit status of a process whose replay ran to the end of its recording: {@value}. */
    public static final int EXIT_STATUS = 3;

    RecordingExhaustedException(String message) {
        super(message);
    }

    @Override
    public int exitStatus() {
        return EXIT_STATUS;
    }
}
