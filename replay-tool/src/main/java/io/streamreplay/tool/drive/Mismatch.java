package io.streamreplay.tool.drive;

/**
 * What a reply check found different: the recorded event's sequence number, what differs, and both sides as
 * excerpts.
 */
record Mismatch(long seq, String what, String expected, String actual) {
}
