package io.streamreplay.tool.drive;

/**
 * The drive cannot be done at all: the recording cannot be read or holds no client connection, its bytes are not
 * of the protocol asked for, the target cannot be reached. The message says what and where, for a person.
 */
public final class DriveException extends Exception {

    private static final long serialVersionUID = 1L;

    public DriveException(String message) {
        super(message);
    }

    public DriveException(String message, Throwable cause) {
        super(message, cause);
    }
}
