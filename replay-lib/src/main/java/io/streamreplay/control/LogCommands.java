package io.streamreplay.control;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The control commands over an application's {@link LogLevels}: {@code log-level}, and Open vSwitch's
 * {@code vlog/set} and {@code vlog/list}. Stateless.
 */
final class LogCommands {

    private LogCommands() {
    }

    /** The {@code log-level [[LOGGER] LEVEL]} command, as {@link LogLevels#command} describes it. */
    static ControlCommand logLevel(LogLevels levels) {
        return new ControlCommand("log-level", "[[LOGGER] LEVEL]", 0, 2, args -> {
            if (args.isEmpty()) {
                StringBuilder text = new StringBuilder();
                levels.levels().forEach((name, level) -> text.append(name).append(' ').append(level).append('\n'));
                return ControlReply.ok(text.toString());
            }
            String logger = args.size() == 2 ? args.get(0) : "ROOT";
            try {
                levels.set(logger, args.get(args.size() - 1));
            } catch (IllegalArgumentException e) {
                return ControlReply.error(e.getMessage());
            }
            return ControlReply.ok("");
        });
    }

    /**
     * Open vSwitch's log commands over the same levels, for {@code ovs-appctl} habits:
     * <ul>
     *   <li>{@code vlog/set [SPEC...]}: each SPEC names a module, a destination and a level in any order,
     *   separated by {@code :}, {@code ,} or spaces ({@code jsonrpc:file:dbg}, {@code warn}); a module is a logger
     *   name, or a word without a dot for the library's package of that name ({@code jsonrpc} is
     *   {@code io.streamreplay.jsonrpc}), and none means all; the level is one of Open vSwitch's ({@code emer},
     *   {@code err}, {@code warn}, {@code info}, {@code dbg}, {@code off}) or a Logback name; a destination
     *   ({@code console}, {@code file}, {@code syslog}, {@code any}) is accepted, and the level applies to every
     *   destination, since a logger here has one level. Without a SPEC, everything goes to {@code dbg}, as in Open
     *   vSwitch;</li>
     *   <li>{@code vlog/list}: the levels set, in Open vSwitch's layout (one column per destination).</li>
     * </ul>
     * Like {@code ovs-vswitchd}'s, these reply with errors in Open vSwitch's words.
     */
    static List<ControlCommand> vlog(LogLevels levels) {
        return List.of(new ControlCommand("vlog/set", "{spec | PATTERN:destination:pattern}", 0, Integer.MAX_VALUE,
                args -> vlogSet(levels, args)), new ControlCommand("vlog/list", "", 0, 0, args -> vlogList(levels)));
    }

    private static ControlReply vlogSet(LogLevels levels, List<String> args) {
        if (args.isEmpty()) {
            levels.set("ROOT", "DEBUG");
            return ControlReply.ok("");
        }
        for (String spec : args) {
            String logger = null;
            String level = null;
            boolean destination = false;
            for (String word : spec.trim().split("[ ,:\\t]+")) {
                String lower = word.toLowerCase(Locale.ROOT);
                if (word.isEmpty() || lower.equals("any")) {
                    continue;
                }
                if (lower.equals("pattern") || lower.equals("facility")) {
                    return ControlReply.error("\"" + word + "\" is not supported here: log patterns and syslog"
                            + " facilities are Logback's configuration");
                }
                if (lower.equals("console") || lower.equals("file") || lower.equals("syslog")) {
                    if (destination) {
                        return ControlReply.error("cannot specify multiple destinations");
                    }
                    destination = true;
                } else if (logbackLevel(lower) != null) {
                    if (level != null) {
                        return ControlReply.error("cannot specify multiple levels");
                    }
                    level = logbackLevel(lower);
                } else {
                    if (logger != null) {
                        return ControlReply.error("cannot specify multiple modules");
                    }
                    logger = word.contains(".") || word.equals("ROOT") ? word : "io.streamreplay." + word;
                }
            }
            try {
                levels.set(logger == null ? "ROOT" : logger, level == null ? "DEBUG" : level);
            } catch (IllegalArgumentException e) {
                return ControlReply.error(e.getMessage());
            }
        }
        return ControlReply.ok("");
    }

    /** The Logback level of an Open vSwitch or Logback level name, or null if {@code word} is neither. */
    private static String logbackLevel(String word) {
        return switch (word) {
            case "emer", "err", "error" -> "ERROR";
            case "warn" -> "WARN";
            case "info" -> "INFO";
            case "dbg", "debug" -> "DEBUG";
            case "trace" -> "TRACE";
            case "off" -> "OFF";
            default -> null;
        };
    }

    /** Open vSwitch's name of a Logback level, as {@code vlog/list} shows it ({@code DBG}, {@code ERR}). */
    private static String ovsLevel(String level) {
        return switch (level.toUpperCase(Locale.ROOT)) {
            case "TRACE", "DEBUG" -> "DBG";
            case "ERROR" -> "ERR";
            default -> level.toUpperCase(Locale.ROOT);
        };
    }

    private static ControlReply vlogList(LogLevels levels) {
        StringBuilder text = new StringBuilder(" ".repeat(17) + "console    syslog    file\n" + " ".repeat(17)
                + "-------    ------    ------\n");
        Map<String, String> sorted = new TreeMap<>(levels.levels());
        // Always LF, whatever the platform: the text is part of the protocol.
        sorted.forEach((name, level) -> text.append(String.format(Locale.ROOT, "%-16s  %4s       %4s       %4s",
                name, ovsLevel(level), "OFF", ovsLevel(level))).append('\n'));
        return ControlReply.ok(text.toString());
    }
}
