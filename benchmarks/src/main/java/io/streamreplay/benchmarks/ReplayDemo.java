package io.streamreplay.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamreplay.cli.UsageErrors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The demo: {@code sample-db-server} runs as its own process with {@code --replay-record} while
 * {@code sample-client bench} loads it (the standard workload over a Unix socket, with a monitor), and
 * {@code sample-client control exit} stops it. Then the recorded database and log are moved aside and the server
 * runs again with nothing but {@code --replay=recording}: no client, no socket, only the recording, which holds the
 * command line and the database the run started from. Prints a table comparing the two runs; exits 0 only if the
 * replay left the same database and the same log.
 */
@Command(name = "bin/demo", sortOptions = false,
        description = {"Records sample-db-server while 'sample-client bench' loads it, replays the server from the"
                + " recording alone, and compares the two runs: wall times, the workload's own time against the"
                + " replay's, and whether the replay left the same database file and log.",
                "Exits 0 only if it did; every file stays in DIR (a new temporary directory by default), which the"
                        + " demo names at the end."},
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:the replay reproduced the recorded run", "1:it did not, or a step failed (see DIR)",
                "2:bad command line"})
public final class ReplayDemo implements Callable<Integer> {

    private static final String SCHEMA = "{\"name\":\"kvdb\",\"version\":\"1.0.0\",\"tables\":{\"kv\":{\"columns\":"
            + "{\"name\":{\"type\":\"string\"},\"value\":{\"type\":\"integer\"}},\"indexes\":[[\"name\"]]}}}";
    private static final Pattern BENCH_ELAPSED = Pattern.compile("elapsed: (\\d+\\.\\d+) s");
    private static final Pattern REPLAY_TIME = Pattern.compile("\\|Replay\\|replay of recording finished: .* in"
            + " (\\d+\\.\\d+) s ");

    @Parameters(index = "0", paramLabel = "CONNECTIONS", defaultValue = "4", arity = "0..1",
            description = "Transacting connections (default: ${DEFAULT-VALUE}).")
    int connections;

    @Parameters(index = "1", paramLabel = "TRANSACTIONS", defaultValue = "4000", arity = "0..1",
            description = "Transactions in all (default: ${DEFAULT-VALUE}).")
    int transactions;

    @Parameters(index = "2", paramLabel = "DIR", arity = "0..1",
            description = "Where to leave every file (default: a new temporary directory).")
    Path dir;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    @Option(names = "--server-jar", paramLabel = "JAR", required = true, hidden = true,
            description = "The packaged sample-db-server (bin/demo gives it).")
    Path serverJar;

    @Option(names = "--client-jar", paramLabel = "JAR", required = true, hidden = true,
            description = "The packaged sample-client (bin/demo gives it).")
    Path clientJar;

    public static void main(String[] args) {
        System.exit(UsageErrors.oneLine(new CommandLine(new ReplayDemo())).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        Path jar = serverJar.toAbsolutePath();
        Path client = clientJar.toAbsolutePath();
        Path work = (dir != null ? dir : Files.createTempDirectory("streamreplay-demo")).toAbsolutePath();
        try {
            return run(jar, client, work);
        } catch (IllegalStateException e) {
            System.out.println("demo failed: " + e.getMessage());
            System.out.println("its files are in " + work);
            return 1;
        }
    }

    private int run(Path jar, Path client, Path work) throws Exception {
        Files.createDirectories(work);
        Files.writeString(work.resolve("kv.ovsschema"), SCHEMA);
        for (String leftOver : new String[] {"kv.db", "server.log", "recorded.db", "recorded.log"}) {
            Files.deleteIfExists(work.resolve(leftOver));
        }
        // The demo's own recording from an earlier run in this directory: a server would keep it in previous-N.
        RunComparison.deleteRecursively(work.resolve("recording"));
        RunComparison.check(java(jar, work, List.of("create", "kv.db", "kv.ovsschema"), "create.out").waitFor() == 0,
                "cannot create the database; see " + work.resolve("create.out"));
        List<String> recordArgs = List.of("kv.db", "--remote=punix:" + work.resolve("db.sock"),
                "--control=" + work.resolve("ctl"), "--log-file=server.log", "--replay-record=recording");
        long start = System.nanoTime();
        Process recorded = java(jar, work, recordArgs, "record.out");
        awaitLine(work.resolve("record.out"), "(serving)");
        Process bench = java(client, work, List.of("bench", "--server=unix:" + work.resolve("db.sock"),
                "--preset=standard", "-n", Integer.toString(transactions), "--connections",
                Integer.toString(connections), "--monitors=1", "--no-progress"), "bench.out");
        RunComparison.check(bench.waitFor() == 0, "the workload failed; see " + work.resolve("bench.out"));
        Process exit = java(client, work, List.of("control", "--target=" + work.resolve("ctl"), "exit"),
                "exit.out");
        RunComparison.check(exit.waitFor() == 0, "'control exit' failed; see " + work.resolve("exit.out"));
        RunComparison.check(recorded.waitFor() == 0, "the recorded server failed; see " + work.resolve("record.out"));
        long recordedNanos = System.nanoTime() - start;

        // The replay needs nothing but the recording: it holds the command line and the starting database.
        Files.move(work.resolve("kv.db"), work.resolve("recorded.db"), StandardCopyOption.REPLACE_EXISTING);
        Files.move(work.resolve("server.log"), work.resolve("recorded.log"), StandardCopyOption.REPLACE_EXISTING);
        start = System.nanoTime();
        int replayStatus = java(jar, work, List.of("--replay=recording"), "replay.out").waitFor();
        long replayNanos = System.nanoTime() - start;

        String benchOut = Files.readString(work.resolve("bench.out"));
        String replayOut = Files.readString(work.resolve("replay.out"));
        double benchSeconds = seconds(BENCH_ELAPSED, benchOut);
        double replaySeconds = seconds(REPLAY_TIME, replayOut);
        List<JsonNode> recordedDb = RunComparison.records(work.resolve("recorded.db"));
        List<JsonNode> replayedDb = Files.exists(work.resolve("kv.db")) ? RunComparison.records(work.resolve("kv.db"))
                : List.of();
        boolean sameDb = recordedDb.equals(replayedDb);
        boolean sameLog = Files.exists(work.resolve("server.log")) && RunComparison.withoutTimestamps(
                work.resolve("recorded.log")).equals(RunComparison.withoutTimestamps(work.resolve("server.log")));
        long bytes = RunComparison.size(work.resolve("recording"));
        long files;
        try (Stream<Path> list = Files.list(work.resolve("recording"))) {
            files = list.filter(Files::isRegularFile).count();
        }
        System.out.printf("streamreplay demo: sample-db-server recorded while 'sample-client bench' ran %d transactions"
                + " over %d connections (plus a monitor), then replayed from the recording alone%n", transactions,
                connections);
        System.out.print(benchOut);
        System.out.printf("recording: %s (%d files, %d bytes)%n%n", work.resolve("recording"), files, bytes);
        System.out.printf("%-34s %14s %14s%n", "", "recorded run", "replay");
        System.out.printf(Locale.ROOT, "%-34s %14.0f %14.0f%n", "wall time incl. JVM start (ms)",
                recordedNanos / 1e6, replayNanos / 1e6);
        System.out.printf(Locale.ROOT, "%-34s %14s %14s%n", "the workload's own time (ms)", millis(benchSeconds),
                millis(replaySeconds));
        System.out.printf("%-34s %14d %14d%n", "exit status", 0, replayStatus);
        System.out.printf("%-34s %14d %14d%n", "database records", recordedDb.size(), replayedDb.size());
        System.out.printf("%-34s %14s%n", "replay / bench's elapsed time", benchSeconds > 0 && replaySeconds >= 0
                ? String.format(Locale.ROOT, "%.2f", replaySeconds / benchSeconds) : "-");
        System.out.printf("%-34s %14s%n", "same database file", sameDb ? "yes" : "NO");
        System.out.printf("%-34s %14s%n", "same log (but timestamps)", sameLog ? "yes" : "NO");
        boolean ok = replayStatus == 0 && sameDb && sameLog;
        System.out.println(ok ? "\nthe replay reproduced the recorded run exactly"
                : "\nMISMATCH: the replay did not reproduce the recorded run");
        System.out.println("files: " + work + " (recording/; recorded.db and recorded.log from the recorded run,"
                + " kv.db and server.log from the replay; each process's output in *.out)");
        return ok ? 0 : 1;
    }

    /** The seconds {@code pattern}'s group 1 finds in {@code text}, or -1. */
    private static double seconds(Pattern pattern, String text) {
        Matcher matcher = pattern.matcher(text);
        return matcher.find() ? Double.parseDouble(matcher.group(1)) : -1;
    }

    private static String millis(double seconds) {
        return seconds < 0 ? "-" : String.format(Locale.ROOT, "%.0f", seconds * 1000);
    }

    private static Process java(Path jar, Path dir, List<String> args, String output) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-jar", jar.toString()));
        command.addAll(args);
        return new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve(output).toFile()).start();
    }

    private static void awaitLine(Path file, String regex) throws Exception {
        Pattern pattern = Pattern.compile(regex);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            for (String line : Files.readAllLines(file)) {
                Matcher matcher = pattern.matcher(line);
                if (matcher.find()) {
                    return;
                }
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("the server never printed " + regex + "; see " + file);
    }
}
