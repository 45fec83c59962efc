package io.streamreplay.tool.drive;

/**
 * Where a live reply differs from the recorded one, for a person: the first one of a stream is reported in full.
 *
 * @param stream the recorded client connection's name
 * @param seq the recorded sequence number of the reply that differs (or of the request left unanswered)
 * @param what what differs, in a sentence
 * @param request the request it answers, with its sequence number, as an excerpt; null if not known
 * @param expected what the recording holds there, as an excerpt
 * @param actual what the target sent, as an excerpt
 */
public record Divergence(String stream, long seq, String what, String request, String expected, String actual) {
}
