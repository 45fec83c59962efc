package io.streamreplay.dbserver;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.FileAppender;
import ch.qos.logback.core.filter.Filter;
import ch.qos.logback.core.spi.FilterReply;
import io.streamreplay.control.LogLevels;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.LoggerFactory;
import org.slf4j.Marker;
import org.slf4j.MarkerFactory;

/**
 * The server's Logback configuration beyond {@code logback.xml}: the {@code --log-file} appender, and the levels
 * the {@code log-level} control command changes.
 *
 * <p>The log file leaves out the replay library's own messages (recording started, replay summary) and the
 * application's lines about the replay itself (marked {@link #REPLAY_STATUS}: how it ended, a divergence), which
 * differ by nature between a recorded run and its replay; everything else in it is the application's behaviour,
 * so the file of a replay equals the recorded run's but for timestamps. On the console of a replay, those other
 * lines read {@code replayed: ...} ({@link #markReplayedLines()}): they are the recorded run's, reproduced, and no
 * socket was opened for them. The exception: the recording's warnings and errors (writing it failed, its manifest
 * cannot be written, an earlier recording was moved aside) go to the log file too, because an operator must learn of
 * them there; a run that has them is one whose recording is not whole.
 */
public final class LogbackSetup implements LogLevels {

    /** The layout: the timestamp is the first {@code |}-separated field, so logs compare without it. */
    public static final String PATTERN = "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX}|%-5level|%logger{0}|%msg%n";

    /** The layout of the console's reproduced lines in a replay. */
    static final String REPLAYED_PATTERN = "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX}|%-5level|%logger{0}|replayed: %msg%n";

    /** Marks a line about the replay itself, which a replay's log file leaves out. */
    public static final Marker REPLAY_STATUS = MarkerFactory.getMarker("REPLAY_STATUS");

    private static final String REPLAY_LOGGERS = "io.streamreplay.replay";
    private static final String RECORDING_LOGGER = "io.streamreplay.replay.Recording";

    private final LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    /**
     * The levels the program was told (by its command line and control commands), which {@link #levels()} reports:
     * in a replay given another --log-level, they stay the recorded run's, so that a reply listing them is the
     * same, while the levels applied are the replay's.
     */
    private final Map<String, String> reported = new TreeMap<>();

    /** Takes the levels set so far (by the default configuration) as both applied and reported. */
    public LogbackSetup() {
        for (Logger logger : context.getLoggerList()) {
            if (logger.getLevel() != null) {
                reported.put(logger.getName(), logger.getLevel().toString());
            }
        }
    }

    /** Adds an appender writing to {@code file}, appending if it exists. */
    public void addFile(Path file) {
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(PATTERN);
        encoder.start();
        FileAppender<ILoggingEvent> appender = new FileAppender<>();
        appender.setContext(context);
        appender.setName("FILE");
        appender.setFile(file.toString());
        appender.setAppend(true);
        appender.setEncoder(encoder);
        appender.addFilter(filter(false));
        appender.start();
        context.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(appender);
    }

    /**
     * For a replay: the console shows the application's lines (those a log file keeps) as {@code replayed: ...},
     * and the lines about the replay as they are. Does nothing under a user's own Logback configuration.
     */
    public void markReplayedLines() {
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        Appender<ILoggingEvent> console = root.getAppender("CONSOLE");
        if (!(console instanceof ConsoleAppender)) {
            return;
        }
        console.addFilter(filter(true));
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(REPLAYED_PATTERN);
        encoder.start();
        ConsoleAppender<ILoggingEvent> replayed = new ConsoleAppender<>();
        replayed.setContext(context);
        replayed.setName("CONSOLE-REPLAYED");
        replayed.setTarget(((ConsoleAppender<ILoggingEvent>) console).getTarget());
        replayed.setEncoder(encoder);
        replayed.addFilter(filter(false));
        replayed.start();
        root.addAppender(replayed);
    }

    /** Lets through only the lines about recording or replaying ({@code aboutReplay}), or only the others. */
    private static Filter<ILoggingEvent> filter(boolean aboutReplay) {
        Filter<ILoggingEvent> filter = new Filter<>() {
            @Override
            public FilterReply decide(ILoggingEvent event) {
                boolean recordingTrouble = event.getLoggerName().equals(RECORDING_LOGGER)
                        && event.getLevel().isGreaterOrEqual(Level.WARN);
                boolean replayLine = !recordingTrouble && (event.getLoggerName().startsWith(REPLAY_LOGGERS)
                        || (event.getMarkerList() != null && event.getMarkerList().contains(REPLAY_STATUS)));
                return replayLine == aboutReplay ? FilterReply.NEUTRAL : FilterReply.DENY;
            }
        };
        filter.start();
        return filter;
    }

    @Override
    public Map<String, String> levels() {
        return new TreeMap<>(reported);
    }

    @Override
    public void set(String logger, String level) {
        Level parsed = parse(level);
        context.getLogger(logger).setLevel(parsed);
        reported.put(context.getLogger(logger).getName(), parsed.toString());
    }

    /**
     * Applies the {@code --log-level} settings ({@code [LOGGER=]LEVEL}, all loggers without a name). A replay whose
     * settings differ from its recorded run's ({@code recorded}; null outside a replay) applies its own and reports
     * the recorded run's, so that the control commands that list them reply as they did: what a replay sends must not
     * change.
     *
     * @throws IllegalArgumentException {@code --log-level=SETTING: ...} for the first setting with an unknown level
     */
    public void applyLevels(List<String> settings, List<String> recorded) {
        boolean ownLevels = recorded != null && !recorded.equals(settings);
        for (String setting : settings) {
            try {
                if (ownLevels) {
                    applyOnly(loggerOf(setting), levelOf(setting));
                } else {
                    set(loggerOf(setting), levelOf(setting));
                }
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--log-level=" + setting + ": " + e.getMessage(), e);
            }
        }
        if (ownLevels) {
            for (String setting : recorded) {
                reportOnly(loggerOf(setting), levelOf(setting));
            }
        }
    }

    private static String loggerOf(String setting) {
        int equals = setting.indexOf('=');
        return equals < 0 ? Logger.ROOT_LOGGER_NAME : setting.substring(0, equals);
    }

    private static String levelOf(String setting) {
        return setting.substring(setting.indexOf('=') + 1);
    }

    /** Applies a level without reporting it: a replay's own --log-level, which the recorded run was not given. */
    private void applyOnly(String logger, String level) {
        context.getLogger(logger).setLevel(parse(level));
    }

    /** Reports a level without applying it: the recorded run's --log-level, which this replay overrides. */
    private void reportOnly(String logger, String level) {
        reported.put(context.getLogger(logger).getName(), parse(level).toString());
    }

    private static Level parse(String level) {
        return Level.toLevel(LogLevels.levelName(level));
    }

    /** Stops the appenders, flushing them. */
    public void stop() {
        context.stop();
    }
}
