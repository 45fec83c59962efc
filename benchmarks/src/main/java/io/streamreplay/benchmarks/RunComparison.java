package io.streamreplay.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamreplay.dbserver.storage.DatabaseFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** How a recorded run and its replay are compared: database records without dates, logs without timestamps. */
final class RunComparison {

    private RunComparison() {
    }

    /** The records of a standalone database file, each transaction without its {@code _date}. */
    static List<JsonNode> records(Path file) throws IOException {
        return DatabaseFile.recordsWithoutDates(file);
    }

    /** The lines of a log in the {@code TIMESTAMP|...} layout, without the timestamp. */
    static List<String> withoutTimestamps(Path log) throws IOException {
        return Files.readAllLines(log, StandardCharsets.UTF_8).stream().map(l -> l.substring(l.indexOf('|') + 1))
                .toList();
    }

    /** The total size of the files in {@code dir} (not in its subdirectories). */
    static long size(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(file -> file.toFile().length()).sum();
        }
    }

    /** Deletes {@code dir} and everything in it, if it exists. */
    static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }

    /** Throws if {@code condition} does not hold. */
    static void check(boolean condition, String problem) {
        if (!condition) {
            throw new IllegalStateException(problem);
        }
    }
}
