package io.streamreplay.replay;

/**
 * One record read from a replay file (not a {@link java.lang.Record}: the unit of the replay format).
 *
 * @param type what it records
 * @param seq its process-wide sequence number
 * @param time nanoseconds since the recording started
 * @param payload its payload (not to be modified)
 * @param offset where the record starts in its file, for messages
 * @param startsIteration whether it is the first record of a loop iteration (format 2), whose time the iteration saw
 */
// The payload is handed to readers without a copy; records are never compared.
@SuppressWarnings("ArrayRecordComponent")
record ReplayRecord(RecordType type, long seq, long time, byte[] payload, long offset, boolean startsIteration) {
}
