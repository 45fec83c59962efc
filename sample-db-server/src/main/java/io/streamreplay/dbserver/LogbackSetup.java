package io.streamreplay.dbserver;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.FileAppender;
import ch.qos.logback.core.filter.Filter;
import ch.qos.logback.core.spi.FilterReply;
import io.streamreplay.control.LogLevels;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.LoggerFactory;

/**
 * The server's Logback configuration beyond {@code logback.xml}: the {@code --log-file} appender, and the levels
 * the {@code log-level} control command changes.
 *
 * <p>The log file leaves out the replay library's own messages (recording started, replay summary), which differ
 * by nature between a recorded run and its replay; everything else in it is the application's behaviour, so the
 * file of a replay equals the recorded run's but for timestamps.
 */
public final class LogbackSetup implements LogLevels {

    /** The layout: the timestamp is the first {@code |}-separated field, so logs compare without it. */
    public static final String PATTERN = "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX}|%-5level|%logger{0}|%msg%n";

    private static final String REPLAY_LOGGERS = "io.streamreplay.replay";

    private final LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();

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
        Filter<ILoggingEvent> applicationOnly = new Filter<>() {
            @Override
            public FilterReply decide(ILoggingEvent event) {
                return event.getLoggerName().startsWith(REPLAY_LOGGERS) ? FilterReply.DENY : FilterReply.NEUTRAL;
            }
        };
        applicationOnly.start();
        appender.addFilter(applicationOnly);
        appender.start();
        context.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(appender);
    }

    @Override
    public Map<String, String> levels() {
        Map<String, String> levels = new TreeMap<>();
        for (Logger logger : context.getLoggerList()) {
            if (logger.getLevel() != null) {
                levels.put(logger.getName(), logger.getLevel().toString());
            }
        }
        return levels;
    }

    @Override
    public void set(String logger, String level) {
        Level parsed = Level.toLevel(level.toUpperCase(Locale.ROOT), null);
        if (parsed == null) {
            throw new IllegalArgumentException("unknown log level \"" + level
                    + "\" (use TRACE, DEBUG, INFO, WARN, ERROR or OFF)");
        }
        context.getLogger(logger).setLevel(parsed);
    }

    /** Stops the appenders, flushing them. */
    public void stop() {
        context.stop();
    }
}
