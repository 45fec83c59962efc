package io.streamreplay.replay;

/**
 * The replayed application did something its recording cannot answer: opened a stream that was not recorded,
 * sent other bytes than were recorded, waited for an event that comes later on another stream, or the recording
 * is corrupt. The message names the stream, the sequence number and the file.
 */
public final class ReplayDivergenceException extends ReplayException {
    private static final long serialVersionUID = 1L;

    /** The exit status of a process whose replay diverged: {@value}. */
    public static final int EXIT_STATUS = 4;

    ReplayDivergenceException(String message) {
        super(message);
    }

    @Override
    public int exitStatus() {
        return EXIT_STATUS;
    }
}
