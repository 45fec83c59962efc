package io.streamreplay.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A log file as the applications write it ({@code TIMESTAMP|LEVEL|LOGGER|MESSAGE}, as Open vSwitch's log does),
 * read for comparison: a replay's log must equal the recorded run's, line for line, timestamps aside.
 */
public final class LogLines {

    private LogLines() {
    }

    /** The lines of {@code log} without their timestamps (everything up to the first {@code |}). */
    public static List<String> withoutTimestamps(Path log) throws IOException {
        return Files.readAllLines(log, StandardCharsets.UTF_8).stream()
                .map(line -> line.substring(line.indexOf('|') + 1)).toList();
    }
}
