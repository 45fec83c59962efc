package io.streamreplay.dbserver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamreplay.testing.Programs;
import io.streamreplay.testing.Programs.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code bin/sample-db-server} as a user runs it: the first run after a build lists the classes it loads, the next
 * archives them once, and later runs start from that archive, Picocli's classes included (JDK 17's dynamic
 * archives leave them out).
 */
class LauncherIT {

    private static final Path SCRIPT = Path.of("..", "bin", "sample-db-server").toAbsolutePath();
    private static final Path ARCHIVE = Path.of("target", "sample-db-server.jsa");
    private static final Path CLASSES = Path.of("target", "sample-db-server.classlist");

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
        Files.deleteIfExists(ARCHIVE);
        Files.deleteIfExists(CLASSES);

        Result first = launch("");
        assertFalse(first.output().contains("archiving"), first.output());
        assertTrue(Files.size(CLASSES) > 0, "the first run listed the classes it loaded");
        assertFalse(Files.exists(ARCHIVE));

        Result second = launch("");
        assertTrue(second.output().startsWith("archiving the server's classes (once after a build)...\n"),
                second.output());
        assertTrue(Files.exists(ARCHIVE), "the second start archived them");

        Result third = launch("-Xlog:class+load=info");
        assertFalse(third.output().contains("archiving"), third.output());
        assertTrue(third.output().contains("io.streamreplay.dbserver.SampleDbServer source: shared objects file"),
                "the server's classes come from the archive");
        assertTrue(third.output().contains("picocli.CommandLine source: shared objects file"),
                "Picocli's classes come from the archive too");
    }
}
