package io.streamreplay.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The demo: {@code sample-db-server} runs as its own process with {@code --replay-record} while
 * {@code sample-client bench} loads it (the standard workload over a Unix socket, with a monitor), and
 * {@code sample-client control exit} stops it. Then the database file is put back as it was and the same command line runs with
 * {@code --replay}: no client, no socket, only the recording. Prints a table comparing the two runs; exits 0 only
 * if the replay left the same database and the same log.
 *
 * <p>Usage: {@code ReplayDemo SERVER-JAR CLIENT-JAR [CONNECTIONS [TRANSACTIONS [DIR]]]}.
 */
public final class ReplayDemo {

    private static final String SCHEMA = "{\"name\":\"kvdb\",\"version\":\"1.0.0\",\"tables\":{\"kv\":{\"columns\":"
            + "{\"name\":{\"type\":\"string\"},\"value\":{\"type\":\"integer\"}},\"indexes\":[[\"name\"]]}}}";

    private ReplayDemo() {
    }

    public static void main(String[] args) throws Exception {
        Path jar = Path.of(args[0]).toAbsolutePath();
        Path clientJar = Path.of(args[1]).toAbsolutePath();
        int connections = args.length > 2 ? Integer.parseInt(args[2]) : 4;
        int transactions = args.length > 3 ? Integer.parseInt(args[3]) : 4000;
        Path work = (args.length > 4 ? Path.of(args[4]) : Files.createTempDirectory("streamreplay-demo"))
                .toAbsolutePath();
        Files.createDirectories(work);
        Files.writeString(work.resolve("kv.ovsschema"), SCHEMA);
        Files.deleteIfExists(work.resolve("kv.db"));
        Files.deleteIfExists(work.resolve("server.log"));
        RunComparison.check(java(jar, work, List.of("create", "kv.db", "kv.ovsschema"), "create.out").waitFor() == 0,
                "cannot create the database");
        Files.copy(work.resolve("kv.db"), work.resolve("pristine.db"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        List<String> args0 = List.of("kv.db", "--remote=punix:" + work.resolve("db.sock"),
                "--control=" + work.resolve("ctl"), "--log-file=server.log");

        List<String> recordArgs = new ArrayList<>(args0);
        recordArgs.add("--replay-record=recording");
        long start = System.nanoTime();
        Process recorded = java(jar, work, recordArgs, "record.out");
        awaitLine(work.resolve("record.out"), "(serving)");
        Process bench = java(clientJar, work, List.of("bench", "--server=unix:" + work.resolve("db.sock"),
                "--preset=standard", "-n", Integer.toString(transactions), "--connections",
                Integer.toString(connections), "--monitors=1", "--no-progress"), "bench.out");
        RunComparison.check(bench.waitFor() == 0, "the workload failed; see " + work.resolve("bench.out"));
        Process exit = java(clientJar, work, List.of("control", "--target=" + work.resolve("ctl"), "exit"),
                "exit.out");
        RunComparison.check(exit.waitFor() == 0, "'control exit' failed; see " + work.resolve("exit.out"));
        RunComparison.check(recorded.waitFor() == 0, "the recorded server failed; see " + work.resolve("record.out"));
        long recordedNanos = System.nanoTime() - start;

        Files.move(work.resolve("kv.db"), work.resolve("recorded.db"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.move(work.resolve("server.log"), work.resolve("recorded.log"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.copy(work.resolve("pristine.db"), work.resolve("kv.db"));
        List<String> replayArgs = new ArrayList<>(args0);
        replayArgs.add("--replay=recording");
        start = System.nanoTime();
        int replayStatus = java(jar, work, replayArgs, "replay.out").waitFor();
        long replayNanos = System.nanoTime() - start;

        List<JsonNode> recordedDb = RunComparison.records(work.resolve("recorded.db"));
        List<JsonNode> replayedDb = RunComparison.records(work.resolve("kv.db"));
        boolean sameDb = recordedDb.equals(replayedDb);
        boolean sameLog = RunComparison.withoutTimestamps(work.resolve("recorded.log"))
                .equals(RunComparison.withoutTimestamps(work.resolve("server.log")));
        long bytes = RunComparison.size(work.resolve("recording"));
        long files;
        try (Stream<Path> list = Files.list(work.resolve("recording"))) {
            files = list.count();
        }
        System.out.printf("streamreplay demo: sample-db-server recorded while 'sample-client bench' ran %d transactions"
                + " over %d connections (plus a monitor), then replayed from the recording alone%n", transactions,
                connections);
        System.out.print(Files.readString(work.resolve("bench.out")));
        System.out.printf("recording: %s (%d files, %d bytes)%n%n", work.resolve("recording"), files, bytes);
        System.out.printf("%-28s %14s %14s%n", "", "recorded run", "replay");
        System.out.printf("%-28s %14.0f %14.0f%n", "wall time incl. JVM (ms)", recordedNanos / 1e6,
                replayNanos / 1e6);
        System.out.printf("%-28s %14d %14d%n", "exit status", 0, replayStatus);
        System.out.printf("%-28s %14d %14d%n", "database records", recordedDb.size(), replayedDb.size());
        System.out.printf("%-28s %14s%n", "replay / recorded time", String.format("%.2f", (double) replayNanos
                / recordedNanos));
        System.out.printf("%-28s %14s%n", "same database file", sameDb ? "yes" : "NO");
        System.out.printf("%-28s %14s%n", "same log (but timestamps)", sameLog ? "yes" : "NO");
        boolean ok = replayStatus == 0 && sameDb && sameLog;
        System.out.println(ok ? "\nthe replay reproduced the recorded run exactly"
                : "\nMISMATCH: the replay did not reproduce the recorded run; see " + work);
        System.exit(ok ? 0 : 1);
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
