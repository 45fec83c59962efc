package io.streamreplay.control;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The application's logging backend, as far as the {@code log-level} control command needs it. The library logs
 * through the SLF4J API only, so the application (which chooses the backend) supplies this.
 *
 * <p>Called on the loop thread.
 */
public interface LogLevels {

    /** Every logger with an explicitly set level, by name ({@code ROOT} for the root logger). */
    Map<String, String> levels();

    /**
     * Sets {@code logger}'s level.
     *
     * @param logger a logger name, or {@code ROOT}
     * @param level {@code TRACE}, {@code DEBUG}, {@code INFO}, {@code WARN}, {@code ERROR} or {@code OFF}, in any case
     * @throws IllegalArgumentException naming what is wrong with the level
     */
    void set(String logger, String level);

    /**
     * {@code level}'s name as a backend knows it: one of {@code TRACE}, {@code DEBUG}, {@code INFO}, {@code WARN},
     * {@code ERROR} or {@code OFF}, given in any case. Every application checks levels here, so that all of them
     * refuse an unknown one with the same message.
     *
     * @throws IllegalArgumentException naming the level and the ones there are
     */
    static String levelName(String level) {
        String name = level.toUpperCase(Locale.ROOT);
        return switch (name) {
            case "TRACE", "DEBUG", "INFO", "WARN", "ERROR", "OFF" -> name;
            default -> throw new IllegalArgumentException("unknown log level \"" + level
                    + "\" (use TRACE, DEBUG, INFO, WARN, ERROR or OFF)");
        };
    }

    /**
     * The {@code log-level [[LOGGER] LEVEL]} command: without arguments it lists the levels set; with a level it sets
     * the root logger's; with a logger and a level it sets that logger's. {@link #vlogCommands} gives the same
     * under Open vSwitch's names.
     */
    static ControlCommand command(LogLevels levels) {
        return LogCommands.logLevel(levels);
    }

    /** Open vSwitch's {@code vlog/set} and {@code vlog/list} over the same levels ({@link LogCommands#vlog}). */
    static List<ControlCommand> vlogCommands(LogLevels levels) {
        return LogCommands.vlog(levels);
    }
}
