package io.streamreplay.tool.drive;

import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Which recorded client connections a drive sends: those whose stream name, or whose listener's name, matches one
 * of the globs ({@code *} any characters, {@code ?} one, {@code [...]} one of a set); with no glob, every connection
 * but those of a control socket (a listener whose name ends in {@code .ctl}, as {@code ovs-appctl}'s sockets do).
 * Immutable.
 */
final class Selection {

    private final List<String> globs;
    private final List<Pattern> patterns;

    Selection(List<String> globs) {
        this.globs = List.copyOf(globs);
        this.patterns = globs.stream().map(Selection::compile).collect(Collectors.toList());
    }

    /** Whether the connection {@code name}, accepted on {@code listener}, is driven. */
    boolean selects(String name, String listener) {
        if (patterns.isEmpty()) {
            return !listener.endsWith(".ctl");
        }
        return patterns.stream().anyMatch(p -> p.matcher(name).matches() || p.matcher(listener).matches());
    }

    /** The globs given, for messages. */
    List<String> globs() {
        return globs;
    }

    /** The regular expression of {@code glob}. */
    static Pattern compile(String glob) {
        StringBuilder regex = new StringBuilder();
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            if (c == '*') {
                regex.append(".*");
            } else if (c == '?') {
                regex.append('.');
            } else if (c == '[' && glob.indexOf(']', i + 1) > i + 1) {
                int close = glob.indexOf(']', i + 1);
                String set = glob.substring(i + 1, close);
                boolean negated = set.startsWith("!");
                String members = (negated ? set.substring(1) : set).replace("\\", "\\\\").replace("[", "\\[")
                        .replace("&", "\\&");
                regex.append('[').append(negated ? "^" : "").append(members).append(']');
                i = close;
            } else {
                regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(regex.toString());
    }
}
