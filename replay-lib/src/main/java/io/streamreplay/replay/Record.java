package io.streamreplay.replay;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * One record read from a replay file.
 *
 * @param type what it records
 * @param seq its process-wide sequence number
 * @param time nanoseconds since the recording started
 * @param payload its payload (not to be modified)
 * @param offset where the record starts in its file, for messages
 */
// The payload is handed to readers without a copy; records are never compared.
@SuppressWarnings("ArrayRecordComponent")
record Record(RecordType type, long seq, long time, byte[] payload, long offset) {

    /** The payload as UTF-8 text. */
    String text() {
        return new String(payload, StandardCharsets.UTF_8);
    }

    /** For {@link RecordType#SEND_OK}: the number of bytes the stream accepted. */
    int sentLength() {
        return ByteBuffer.wrap(payload).getInt(0);
    }

    /** For {@link RecordType#SEND_OK}: the CRC-32C of the bytes accepted. */
    int sentDigest() {
        return ByteBuffer.wrap(payload).getInt(4);
    }
}
