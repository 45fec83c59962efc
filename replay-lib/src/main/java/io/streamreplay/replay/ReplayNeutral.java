package io.streamreplay.replay;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a Picocli option (or positional parameter) that cannot change what the program does, only where or how it
 * reports it: a log level, a log file, a pid file; or the path of a file whose content the replay checks itself
 * ({@link ReplayContext#startingFile}). A replay may give it another value than the recorded run did without a
 * warning ({@link ReplayOptions}); every other difference from the recorded command line is named in a warning,
 * since it may make the replay diverge.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.FIELD, ElementType.METHOD})
public @interface ReplayNeutral {
}
