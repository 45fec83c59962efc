package io.streamreplay.replay;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A replay file or manifest that cannot be read as this build's format: a bad magic number, an unknown version, a
 * checksum mismatch, a malformed manifest. The message names the file and the byte offset.
 */
public final class CorruptRecordingException extends IOException {
    private static final long serialVersionUID = 1L;

    private final boolean cutShort;

    /** {@code problem} says what was expected and found at {@code offset} of {@code file}. */
    public CorruptRecordingException(Path file, long offset, String problem) {
        super(file + " at offset " + offset + ": " + problem);
        this.cutShort = false;
    }

    private CorruptRecordingException(Path file, String problem, boolean cutShort) {
        super(file + ": " + problem);
        this.cutShort = cutShort;
    }

    /** A file that ends before its header does: the recording process died right after creating it. */
    static CorruptRecordingException cutShort(Path file) {
        return new CorruptRecordingException(file, "file ends inside its header (the recording was cut short)", true);
    }

    /** Whether the file merely ends early, as when the recording process was killed, rather than holding bad data. */
    public boolean isCutShort() {
        return cutShort;
    }

    /** A problem with a whole file, such as a missing manifest. */
    public CorruptRecordingException(Path file, String problem) {
        this(file, problem, false);
    }
}
