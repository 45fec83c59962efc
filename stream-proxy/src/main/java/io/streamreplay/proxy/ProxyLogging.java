package io.streamreplay.proxy;

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
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.LoggerFactory;
import org.slf4j.Marker;
import org.slf4j.MarkerFactory;

/**
 * The proxy's logging beyond {@code logback.xml}: {@code --log-file}, {@code --log-level} and the levels the
 * {@code log-level} control command changes.
 *
 * <p>The log file keeps the proxy's behaviour only, so that a replay's log file equals the recorded run's but for
 * timestamps: it leaves out the replay library's own lines and the lines marked {@link #OUTSIDE_REPLAY} (about
 * what a replay does not reproduce: how a replay ended, the HTTP endpoint, stats-file saves). The console shows
 * everything.
 */
final class ProxyLogging implements LogLevels {

    /** The layout: the timestamp is the first {@code |}-separated field, so logs compare without it. */
    static final String PATTERN = "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX}|%-5level|%logger{0}|%msg%n";

    /** Marks a line about something a replay does not reproduce; the log file leaves it out. */
    static final Marker OUTSIDE_REPLAY = MarkerFactory.getMarker("OUTSIDE_REPLAY");

    private final LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    private final Map<String, String> levels = new TreeMap<>();

    /** Adds an appender writing to {@code file}, appending if it exists. */
    void addFile(Path file) {
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
        Filter<ILoggingEvent> behaviourOnly = new Filter<>() {
            @Override
            public FilterReply decide(ILoggingEvent event) {
                boolean outside = event.getLoggerName().startsWith("io.streamreplay.replay")
                        || event.getLoggerName().startsWith("io.streamreplay.status")
                        || (event.getMarkerList() != null && event.getMarkerList().contains(OUTSIDE_REPLAY));
                return outside ? FilterReply.DENY : FilterReply.NEUTRAL;
            }
        };
        behaviourOnly.start();
        appender.addFilter(behaviourOnly);
        appender.start();
        context.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(appender);
    }

    @Override
    public Map<String, String> levels() {
        return new TreeMap<>(levels);
    }

    @Override
    public void set(String logger, String level) {
        Level parsed = Level.toLevel(LogLevels.levelName(level));
        context.getLogger(logger).setLevel(parsed);
        levels.put(context.getLogger(logger).getName(), parsed.toString());
    }

    /** Stops the appenders, flushing them. */
    void stop() {
        context.stop();
    }
}
