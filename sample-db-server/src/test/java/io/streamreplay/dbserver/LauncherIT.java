package io.streamreplay.dbserver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamreplay.testing.Programs;
import io.streamreplay.testing.Programs.Result;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@code bin/sample-db-server} as a user runs it: the first run after a build lists the classes it loads, the next
 * archives them once, and later runs start from that archive, Picocli's classes included on JDK 17 (its dynamic
 * archives leave them out). Each JDK version has its archive of its own
 * ({@code target/sample-db-server-VERSION.jsa}), and an archive the JVM cannot map never stops the server.
 */
class LauncherIT {

    private static final Path SCRIPT = Path.of("..", "bin", "sample-db-server").toAbsolutePath();
    private static final Path TARGET = Path.of("target");

    /** The launcher's file of the {@code java} on the PATH with that suffix ({@code .jsa}, {@code .classlist}). */
    private static Optional<Path> launcherFile(String suffix) throws IOException {
        try (Stream<Path> files = Files.list(TARGET)) {
            return files.filter(f -> f.getFileName().toString().matches("sample-db-server-[0-9].*\\Q" + suffix + "\\E"))
                    .findFirst();
        }
    }

    private static void deleteLauncherFiles() throws IOException {
        for (String suffix : List.of(".jsa", ".classlist")) {
            Optional<Path> file = launcherFile(suffix);
            while (file.isPresent()) {
                Files.delete(file.get());
                file = launcherFile(suffix);
            }
        }
    }

    private static Result launch(String javaOpts) throws Exception {
        List<String> command = javaOpts.isEmpty() ? List.of(SCRIPT.toString(), "--version")
                : List.of("env", "JAVA_OPTS=" + javaOpts, SCRIPT.toString(), "--version");
        Result result = Programs.exec(null, command, 120);
        assertEquals(0, result.status(), result.output());
        assertTrue(result.output().contains("(streamreplay) " + SampleDbServer.VERSION), result.output());
        return result;
    }

    @Test
    void theFirstRunListsItsClassesTheNextArchivesThemAndLaterRunsStartFromTheArchive() throws Exception {
        deleteLauncherFiles();

        Result first = launch("");
        assertFalse(first.output().contains("archiving"), first.output());
        assertTrue(Files.size(launcherFile(".classlist").orElseThrow()) > 0,
                "the first run listed the classes it loaded");
        assertFalse(launcherFile(".jsa").isPresent());

        Result second = launch("");
        assertTrue(second.output().startsWith("archiving the server's classes (once after a build)...\n"),
                second.output());
        assertTrue(launcherFile(".jsa").isPresent(), "the second start archived them");

        Result third = launch("-Xlog:class+load=info");
        assertFalse(third.output().contains("archiving"), third.output());
        assertTrue(third.output().contains("io.streamreplay.dbserver.SampleDbServer source: shared objects file"),
                "the server's classes come from the archive");
        String version = launcherFile(".jsa").orElseThrow().getFileName().toString()
                .substring("sample-db-server-".length());
        if (Integer.parseInt(version.substring(0, version.indexOf('.'))) < 25) {
            // JDK 25 leaves classes older than Java 6's format out of every kind of archive (docs/performance.md).
            assertTrue(third.output().contains("picocli.CommandLine source: shared objects file"),
                    "Picocli's classes come from the archive too");
        }
    }

    @Test
    void anArchiveTheJvmCannotMapNeverStopsTheServer() throws Exception {
        deleteLauncherFiles();
        launch("");
        launch("");
        Path archive = launcherFile(".jsa").orElseThrow();
        Files.writeString(archive, "not a class-data archive\n"); // newer than the jar: the launcher passes it on

        Result damaged = launch("");
        assertEquals("sample-db-server (streamreplay) " + SampleDbServer.VERSION + "\n", damaged.output(),
                "the server started without the archive, and nothing else was printed");
    }
}
