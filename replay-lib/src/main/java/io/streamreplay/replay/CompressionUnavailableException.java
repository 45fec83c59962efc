package io.streamreplay.replay;

import java.io.IOException;

/**
 * A recording's block is compressed with a codec this machine cannot run (Zstandard without its native library for
 * this platform). The recording is not damaged: it reads where the codec is available. The message names the file,
 * the block's offset and the platform.
 */
final class CompressionUnavailableException extends IOException {
    private static final long serialVersionUID = 1L;

    CompressionUnavailableException(String message) {
        super(message);
    }
}
