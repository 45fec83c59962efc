package io.streamreplay.replay;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A replay file or manifest that cannot be read as this build's format: a bad magic number, an unknown version, a
 * checksum mismatch, a malformed manifest. The message names the file and the byte offset.
 */
public final class CorruptRecordingException extends IOException {

    /** {@code problem} says what was expected and found at {@code offset} of {@code file}. */
    public CorruptRecordingException(Path file, long offset, String problem) {
        super(file + " at offset " + offset + ": " + problem);
    }

    /** A problem with a whole file, such as a missing manifest. */
    public CorruptRecordingException(Path file, String problem) {
        super(file + ": " + problem);
    }
}
