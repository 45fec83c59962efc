package io.streamreplay.client;

/**
 * A failure a command reports to its user in one line on standard error, with the exit status it ends with:
 * {@link #BAD_INPUT} for input refused before anything was sent, {@link #FAILED} for an unreachable server or an
 * error reply.
 */
public final class ClientException extends Exception {

    private static final long serialVersionUID = 1L;

    /** The server could not be reached, or answered with an error. */
    public static final int FAILED = 1;
    /** The command line or its input (a TXN, a condition) is malformed; nothing was sent. */
    public static final int BAD_INPUT = 2;
    /** The user pressed Ctrl-C during a command that does not end by itself otherwise. */
    public static final int INTERRUPTED = 130;

    private final int exitStatus;

    public ClientException(int exitStatus, String message) {
        super(message);
        this.exitStatus = exitStatus;
    }

    public ClientException(int exitStatus, String message, Throwable cause) {
        super(message, cause);
        this.exitStatus = exitStatus;
    }

    public int exitStatus() {
        return exitStatus;
    }
}
