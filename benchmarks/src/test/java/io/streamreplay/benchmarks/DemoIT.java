package io.streamreplay.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bin/demo} as a user runs it: its help, a bad argument, and a short run that it compares and locates. */
class DemoIT {

    private static final Path DEMO = Path.of("..", "bin", "demo").toAbsolutePath();

    @TempDir
    Path work;

    @Test
    void helpPrintsTheUsageAndABadArgumentOneLine() throws Exception {
        Output help = run(List.of("--help"));
        assertEquals(0, help.status, help.text);
        assertTrue(help.text.startsWith("Usage: bin/demo [-h] [CONNECTIONS] [TRANSACTIONS] [DIR]\n"), help.text);
        assertFalse(help.text.contains("Exception") || help.text.contains("--server-jar"), help.text);

        Output bad = run(List.of("four"));
        assertEquals(2, bad.status, bad.text);
        assertEquals("""
                bin/demo: Invalid value for positional parameter at index 0 (CONNECTIONS): 'four' is not an int
                see 'bin/demo --help'
                """, bad.text);
    }

    @Test
    void aShortRunComparesTheReplayWithTheBenchsOwnTimeAndSaysWhereItsFilesAre() throws Exception {
        Output demo = run(List.of("2", "300", work.toString()));
        assertEquals(0, demo.status, demo.text);
        assertTrue(demo.text.contains("the replay reproduced the recorded run exactly"), demo.text);
        Matcher ratio = Pattern.compile("replay / bench's elapsed time +(\\d+\\.\\d\\d)\n").matcher(demo.text);
        assertTrue(ratio.find(), demo.text);
        Matcher own = Pattern.compile("the workload's own time \\(ms\\) +(\\d+) +(\\d+)\n").matcher(demo.text);
        assertTrue(own.find(), demo.text);
        Matcher elapsed = Pattern.compile("elapsed: (\\d+\\.\\d+) s").matcher(demo.text);
        assertTrue(elapsed.find(), demo.text);
        assertEquals(Math.round(Double.parseDouble(elapsed.group(1)) * 1000), Long.parseLong(own.group(1)),
                "the recorded side is the bench's own elapsed time");
        assertTrue(demo.text.contains("files: " + work + " ("), demo.text);
        assertTrue(Files.exists(work.resolve("recording").resolve("manifest.json")));
        assertTrue(Files.exists(work.resolve("recorded.db")) && Files.exists(work.resolve("kv.db")));
    }

    private record Output(int status, String text) {
    }

    private Output run(List<String> args) throws Exception {
        List<String> command = new ArrayList<>(List.of(DEMO.toString()));
        command.addAll(args);
        Path out = work.resolve("demo-output.txt");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("bin/demo did not end within 120 s:\n" + Files.readString(out));
        }
        String text = Files.readString(out, StandardCharsets.UTF_8);
        assertFalse(text.indexOf('\u001b') >= 0, "no escape sequence in the output:\n" + text);
        return new Output(process.exitValue(), text);
    }
}
