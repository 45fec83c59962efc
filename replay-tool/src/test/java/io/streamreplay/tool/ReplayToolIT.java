package io.streamreplay.tool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamreplay.testing.Programs;
import io.streamreplay.testing.Programs.Result;
import io.streamreplay.testing.SampleRecording;
import io.streamreplay.testing.Tiers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
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
        Path page = work.resolve("timeline.html");
        Result written = Programs.exec(work, List.of(java(), "-jar", JAR.toString(), "timeline",
                sample.dir().toString(), "--out=" + page), 60);
        assertEquals(0, written.status(), written.output());
        String dom = render(page);
        assertTrue(dom.contains("<tbody><tr><td class=\"text\">punix:"), "the table of listeners is filled in:\n"
                + dom);
    }

    @Tag(Tiers.SYSTEM)
    @Test
    void theTimelineOfTenThousandConnectionsGroupsThemByListenerAndPeerAndNamesItsErrors() throws Exception {
        Path dir = work.resolve("many");
        long recordStart = System.nanoTime();
        int connections = ManyConnections.record(dir, work.resolve("many.sock"), 10_000);
        System.out.printf("recorded %d connections in %d ms%n", connections,
                (System.nanoTime() - recordStart) / 1_000_000);
        Path page = work.resolve("many.html");
        long start = System.nanoTime();
        Result written = Programs.exec(work, List.of(java(), "-jar", JAR.toString(), "timeline", dir.toString(),
                "--out=" + page), 120);
        long writeMillis = (System.nanoTime() - start) / 1_000_000;
        assertEquals(0, written.status(), written.output());
        assertTrue(Files.size(page) < 1_500_000, "the page stays small: " + Files.size(page) + " bytes");

        start = System.nanoTime();
        String dom = render(page);
        long renderMillis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(dom.contains(" events (#0 to #"), dom.substring(0, 2000));
        assertTrue(dom.contains(String.format(Locale.ROOT, "%,d connections accepted", connections)),
                "the summary counts every connection:\n" + dom.substring(0, 3000));
        for (String peer : new String[] {"127.0.0.1", "127.0.0.2", "127.0.0.3", "127.0.0.4",
                "local (Unix socket)"}) {
            assertTrue(dom.contains("<td class=\"text\">" + peer + "</td>"), "peer " + peer + " has its row");
        }
        assertTrue(dom.matches("(?s).*<td class=\"text\">recv-error</td><td class=\"text\">java\\.io\\.IOException:"
                + " [^<]*Connection reset[^<]*</td><td>[\\d,]+</td><td class=\"seq\">#\\d+</td>.*"),
                "a reset connection is an error saying so, with the events to stop at");
        assertTrue(dom.contains("the 100 busiest of "), "each listener lists its busiest connections only");
        Matcher rows = Pattern.compile("<tr>").matcher(dom);
        int count = 0;
        while (rows.find()) {
            count++;
        }
        assertTrue(count < 1_000, "the tables are bounded: " + count + " rows for " + connections
                + " connections");
        System.out.printf("timeline of %d connections: written in %d ms, rendered in %d ms, %d bytes, %d rows%n",
                connections, writeMillis, renderMillis, Files.size(page), count);
    }

    /** Renders {@code page} in headless Chromium and returns its DOM, checking the script ran and drew. */
    private static String render(Path page) throws Exception {
        Programs.ensureDebianPackages(() -> Programs.onPath("chromium"), "chromium");
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
        return dom;
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
