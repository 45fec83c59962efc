package io.streamreplay.control;

import java.util.List;

/**
 * A command registered on a {@link ControlServer}.
 *
 * @param name what the client sends as the method, such as {@code exit} or {@code db/compact}
 * @param usage the arguments, shown by {@code list-commands} (for example {@code "[DB]"}); empty for none
 * @param minArgs the fewest arguments accepted
 * @param maxArgs the most arguments accepted
 * @param handler runs the command on the loop thread; it must not block
 */
public record ControlCommand(String name, String usage, int minArgs, int maxArgs, Handler handler) {

    /** The code of a command. */
    @FunctionalInterface
    public interface Handler {
        /** Runs the command with its (already counted) string arguments. */
        ControlReply run(List<String> args);
    }
}
