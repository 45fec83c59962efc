package io.streamreplay.replay;

/**
 * What a recording process does when writing its recording fails (disk full, I/O error). Either way the error is
 * logged once and the manifest is marked {@code failed} with it.
 */
public enum RecordingFailurePolicy {
    /** Stop recording and keep running unrecorded: the service matters more than the recording. The default. */
    CONTINUE,
    /**
     * Stop the process: the loop's next {@code block()} throws {@link RecordingFailedException}. For runs whose
     * only purpose is the recording.
     */
    EXIT
}
