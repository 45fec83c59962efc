package io.streamreplay.tool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamreplay.testing.Programs;
import io.streamreplay.testing.Programs.Result;
import io.streamreplay.testing.SampleRecording;
import io.streamreplay.testing.Tiers;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged tool run as a user runs it ({@code java -jar replay-tool.jar} and {@code bin/replay-tool}), and its
 * timeline page opened in a real headless Chromium (installed from Debian when missing).
 */
class ReplayToolIT {

    private static final Path JAR = Path.of(System.getProperty("replay-tool.jar", "target/replay-tool.jar"));
    private static final Path SCRIPT = Path.of("..", "bin", "replay-tool");

    @TempDir
    static Path work;
    static SampleRecording sample;

    @BeforeAll
    static void record() throws Exception {
        sample = SampleRecording.make(work, 3, 20);
    }

    @Test
    void theJarAndTheScriptBothRunTheTool() throws Exception {
        Result jar = Programs.exec(work, List.of(java(), "-jar", JAR.toString(), "verify", sample.dir().toString()),
                60);
        assertEquals(0, jar.status(), jar.output());
        assertTrue(jar.output().contains("complete and intact: " + sample.eventCount() + " events"), jar.output());

        Result script = Programs.exec(work, List.of(SCRIPT.toAbsolutePath().toString(), "--version"), 60);
        assertEquals(0, script.status(), script.output());
        assertEquals("replay-tool (streamreplay) " + ReplayTool.VERSION + "\n", script.output());
    }

    @Tag(Tiers.SYSTEM)
    @Test
    void theTimelinePageRendersItsChartInHeadlessChromiumWithoutScriptErrors() throws Exception {
        Programs.ensureDebianPackages(() -> Programs.onPath("chromium"), "chromium");
        Path page = work.resolve("timeline.html");
        Result written = Programs.exec(work, List.of(java(), "-jar", JAR.toString(), "timeline",
                sample.dir().toString(), "--out=" + page), 60);
        assertEquals(0, written.status(), written.output());

        List<String> chromium = new ArrayList<>(List.of("chromium", "--headless", "--disable-gpu",
                "--virtual-time-budget=10000", "--user-data-dir=" + work.resolve("chromium-profile"),
                "--dump-dom", page.toUri().toString()));
        if (Programs.exec(null, List.of("id", "-u"), 10).output().trim().equals("0")) {
            chromium.add(1, "--no-sandbox");
        }
        Result rendered = Programs.exec(work, chromium, 120);
        assertEquals(0, rendered.status(), rendered.output());
        String dom = rendered.output();
        assertTrue(dom.contains("data-rendered=\"yes\""), "the page's script ran to its end:\n" + dom);
        assertTrue(dom.contains("<pre id=\"script-errors\" class=\"problems\"></pre>"),
                "no script error was reported:\n" + dom.substring(0, Math.min(dom.length(), 4000)));
        Matcher painted = Pattern.compile("data-painted-pixels=\"(\\d+)\"").matcher(dom);
        assertTrue(painted.find(), dom);
        assertTrue(Long.parseLong(painted.group(1)) > 1000, "the chart was drawn: " + painted.group(1) + " pixels");
        assertTrue(dom.contains("<tbody><tr><td>unix:"), "the table of streams is filled in, busiest first");
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
