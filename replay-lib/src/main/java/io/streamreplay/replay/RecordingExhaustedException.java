package io.streamreplay.replay;

/**
 * Every recorded event has been replayed and the application waits for more: the recorded process was stopped
 * (or killed) at this point. A normal end for a replay of a process that did not exit by itself.
 */
public final class RecordingExhaustedException extends ReplayException {
    private static final long serialVersionUID = 1L;

    /** The exit status of a process whose replay ran to the end of a complete recording: {@value}. */
    public static final int EXIT_STATUS = 3;

    private final boolean recordingIncomplete;

    RecordingExhaustedException(String message, boolean recordingIncomplete) {
        super(message);
        this.recordingIncomplete = recordingIncomplete;
    }

    /**
     * Whether the recorded process never closed its recording (it was killed, or crashed): running out of events is
     * then the expected end of its replay, and an application may treat it as success.
     */
    public boolean recordingIncomplete() {
        return recordingIncomplete;
    }

    /** {@value #EXIT_STATUS}, or 0 when {@linkplain #recordingIncomplete() the recording was not complete}. */
    @Override
    public int exitStatus() {
        return recordingIncomplete ? 0 : EXIT_STATUS;
    }
}
