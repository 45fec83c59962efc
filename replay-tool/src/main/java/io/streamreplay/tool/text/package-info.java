/**
 * Recorded bytes shown to people: {@code PayloadText} writes a payload as one line of text or hex, for
 * {@code replay-tool dump} and the excerpts of {@code replay-tool drive}.
 */
package io.streamreplay.tool.text;
