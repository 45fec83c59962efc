package io.streamreplay.control;

/**
 * The outcome of a control command: text for the user, marked as success or error.
 *
 * @param ok whether the command succeeded
 * @param text what to print; the control server ends it with a newline when it is not empty and has none
 */
public record ControlReply(boolean ok, String text) {

    /** A success printing {@code text}. */
    public static ControlReply ok(String text) {
        return new ControlReply(true, text);
    }

    /** A failure printing {@code text}. */
    public static ControlReply error(String text) {
        return new ControlReply(false, text);
    }
}
