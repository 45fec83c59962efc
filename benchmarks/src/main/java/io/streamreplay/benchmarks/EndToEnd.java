package io.streamreplay.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamreplay.jsonrpc.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The end-to-end comparison of sample-db-server and Open vSwitch's ovsdb-server on the standard workload, run
 * by {@code benchmarks/e2e.sh}: for each size and connection count, each server is run live, recording and
 * replaying, with the same client ({@code sample-client bench --preset=standard} plus one monitor), several times
 * in alternating order; the table shows medians.
 *
 * <p>Usage: {@code EndToEnd SERVER-JAR CLIENT-JAR WORK-DIR RUNS SIZES CONNECTIONS}, where SIZES and CONNECTIONS are
 * comma-separated lists.
 */
public final class EndToEnd {

    private static final String OVSDB_SERVER = "/usr/sbin/ovsdb-server";
    /** The JVM options of our replays: what bin/sample-db-server uses for --replay, with a 256 MiB heap. */
    private static final List<String> REPLAY_JVM = List.of("-Xmx256m", "-XX:TieredStopAtLevel=1",
            "-XX:+UseSerialGC", "-Xlog:cds=off", "-Xlog:cds+dynamic=off");

    private final Path serverJar;
    private final Path clientJar;
    private final Path work;
    private final List<String> replayJvm = new ArrayList<>(REPLAY_JVM);

    /** One server implementation under test. */
    private enum Server {
        OURS("sample-db-server"), OVS("ovsdb-server");

        final String label;

        Server(String label) {
            this.label = label;
        }
    }

    /** The figures of one run of one server. */
    private record Run(double liveSeconds, double liveTps, double recordSeconds, double recordTps,
            double replaySeconds, long recordingBytes, long replayRssKb, boolean sameDatabase) {
    }

    private EndToEnd(Path serverJar, Path clientJar, Path work) {
        this.serverJar = serverJar;
        this.clientJar = clientJar;
        this.work = work;
    }

    public static void main(String[] args) throws Exception {
        EndToEnd e2e = new EndToEnd(Path.of(args[0]).toAbsolutePath(), Path.of(args[1]).toAbsolutePath(),
                Path.of(args[2]).toAbsolutePath());
        int runs = Integer.parseInt(args[3]);
        int[] sizes = Arrays.stream(args[4].split(",")).mapToInt(Integer::parseInt).toArray();
        int[] connections = Arrays.stream(args[5].split(",")).mapToInt(Integer::parseInt).toArray();
        Files.createDirectories(e2e.work);
        e2e.archiveClasses();
        for (int n : sizes) {
            for (int c : connections) {
                Map<Server, List<Run>> results = new LinkedHashMap<>();
                for (Server server : Server.values()) {
                    results.put(server, new ArrayList<>());
                }
                for (int r = 0; r < runs; r++) {
                    List<Server> order = r % 2 == 0 ? List.of(Server.OURS, Server.OVS)
                            : List.of(Server.OVS, Server.OURS);
                    for (Server server : order) {
                        System.err.printf("N=%d C=%d run %d/%d: %s%n", n, c, r + 1, runs, server.label);
                        results.get(server).add(e2e.run(server, n, c));
                    }
                }
                print(n, c, runs, results);
            }
        }
    }

    /**
     * Makes the class-data archive our replays start from, as {@code bin/sample-db-server} makes it on the first
     * replay: from a short recorded run, not measured.
     */
    private void archiveClasses() throws Exception {
        System.err.println("archiving the classes of a replay (once, not measured)");
        Path archive = work.resolve("sample-db-server.jsa");
        Files.deleteIfExists(archive);
        replayJvm.add("-XX:ArchiveClassesAtExit=" + archive);
        run(Server.OURS, 2000, 2);
        replayJvm.remove(replayJvm.size() - 1);
        replayJvm.add("-XX:SharedArchiveFile=" + archive);
    }

    private Run run(Server server, int n, int c) throws Exception {
        Path dir = work.resolve(server.name().toLowerCase(Locale.ROOT));
        RunComparison.deleteRecursively(dir);
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("kv.ovsschema"), exec(dir, client("bench", "--print-schema")).trim());
        createDatabase(server, dir);
        Files.copy(dir.resolve("kv.db"), dir.resolve("pristine.db"));

        JsonNode live = serve(server, dir, n, c, null);
        Files.copy(dir.resolve("pristine.db"), dir.resolve("kv.db"), StandardCopyOption.REPLACE_EXISTING);
        Files.createDirectories(dir.resolve("recording")); // ovsdb-server records only into an existing directory
        JsonNode recorded = serve(server, dir, n, c, dir.resolve("recording"));
        Files.move(dir.resolve("kv.db"), dir.resolve("recorded.db"));
        Files.copy(dir.resolve("pristine.db"), dir.resolve("kv.db"));

        List<String> replay = new ArrayList<>(List.of("/usr/bin/time", "-f", "%M", "-o",
                dir.resolve("replay.rss").toString()));
        replay.addAll(serverCommand(server, dir, "--replay=" + dir.resolve("recording"), replayJvm));
        long start = System.nanoTime();
        Process process = new ProcessBuilder(replay).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("replay.out").toFile()).start();
        RunComparison.check(process.waitFor(30, TimeUnit.MINUTES) && process.exitValue() == 0, server.label
                + " replay failed; see " + dir.resolve("replay.out"));
        double replaySeconds = (System.nanoTime() - start) / 1e9;
        long rss = Long.parseLong(Files.readAllLines(dir.resolve("replay.rss")).get(0).trim());
        boolean same = RunComparison.records(dir.resolve("recorded.db"))
                .equals(RunComparison.records(dir.resolve("kv.db")));
        return new Run(live.get("elapsed_seconds").asDouble(), live.get("transactions_per_second").asDouble(),
                recorded.get("elapsed_seconds").asDouble(), recorded.get("transactions_per_second").asDouble(),
                replaySeconds, RunComparison.size(dir.resolve("recording")), rss, same);
    }

    private void createDatabase(Server server, Path dir) throws Exception {
        List<String> create = server == Server.OURS
                ? List.of(java(), "-jar", serverJar.toString(), "create", "kv.db", "kv.ovsschema")
                : List.of("ovsdb-tool", "create", "kv.db", "kv.ovsschema");
        exec(dir, create);
    }

    /** Starts the server (recording into {@code recording} if not null), runs the bench, stops the server. */
    private JsonNode serve(Server server, Path dir, int n, int c, Path recording) throws Exception {
        Files.deleteIfExists(dir.resolve("db.sock"));
        Process process = new ProcessBuilder(serverCommand(server, dir, recording == null ? null
                : "--" + (server == Server.OURS ? "replay-record" : "record") + "=" + recording, List.of()))
                .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(dir.resolve("server.out").toFile())
                .start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!Files.exists(dir.resolve("db.sock")) || !Files.exists(dir.resolve("ctl"))) {
            RunComparison.check(process.isAlive() && System.nanoTime() < deadline, server.label
                    + " did not start; see " + dir.resolve("server.out"));
            Thread.sleep(20);
        }
        JsonNode summary = Json.parse(exec(dir, client("bench", "--server=unix:" + dir.resolve("db.sock"),
                "--preset=standard", "-n", Integer.toString(n), "--connections", Integer.toString(c), "--monitors=1",
                "--json", "--no-progress")));
        RunComparison.check(summary.get("errors").asLong() == 0, "the workload had errors: " + summary);
        exec(dir, server == Server.OURS ? client("control", "--target=" + dir.resolve("ctl"), "exit")
                : List.of("ovs-appctl", "-t", dir.resolve("ctl").toString(), "exit"));
        RunComparison.check(process.waitFor(5, TimeUnit.MINUTES), server.label + " did not exit");
        return summary;
    }

    private List<String> serverCommand(Server server, Path dir, String replayOption, List<String> jvmOptions) {
        List<String> command = new ArrayList<>();
        if (server == Server.OURS) {
            command.add(java());
            command.addAll(jvmOptions);
            command.addAll(List.of("-jar", serverJar.toString(), "kv.db", "--remote=punix:" + dir.resolve("db.sock"),
                    "--control=" + dir.resolve("ctl"), "--log-file=server.log"));
        } else {
            command.addAll(List.of(OVSDB_SERVER, "kv.db", "--remote=punix:" + dir.resolve("db.sock"),
                    "--unixctl=" + dir.resolve("ctl"), "--no-chdir", "--log-file=" + dir.resolve("server.log")));
        }
        if (replayOption != null) {
            command.add(replayOption);
        }
        return command;
    }

    private List<String> client(String... args) {
        List<String> command = new ArrayList<>(List.of(java(), "-jar", clientJar.toString()));
        command.addAll(List.of(args));
        return command;
    }

    private static String exec(Path dir, List<String> command) throws Exception {
        Path out = Files.createTempFile(dir, "exec", ".out");
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(out.toFile()).start();
        boolean done = process.waitFor(30, TimeUnit.MINUTES);
        String text = Files.readString(out);
        Files.delete(out);
        RunComparison.check(done && process.exitValue() == 0, String.join(" ", command) + " failed:\n" + text);
        return text;
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static double median(List<Run> runs, java.util.function.ToDoubleFunction<Run> metric) {
        double[] values = runs.stream().mapToDouble(metric).sorted().toArray();
        int mid = values.length / 2;
        return values.length % 2 == 1 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
    }

    private static void print(int n, int c, int runs, Map<Server, List<Run>> results) {
        List<Run> ours = results.get(Server.OURS);
        List<Run> ovs = results.get(Server.OVS);
        System.out.printf(Locale.ROOT, "%nN = %d transactions, C = %d connections (+1 monitor); median of %d runs,"
                + " order alternated%n", n, c, runs);
        System.out.printf(Locale.ROOT, "| %-44s | %16s | %14s |%n", "", Server.OURS.label, Server.OVS.label);
        System.out.printf(Locale.ROOT, "|%s|%s|%s|%n", "-".repeat(46), "-".repeat(18), "-".repeat(16));
        row("live wall time (s)", ours, ovs, Run::liveSeconds, "%.3f");
        row("live transactions/s", ours, ovs, Run::liveTps, "%.0f");
        row("recording wall time (s)", ours, ovs, Run::recordSeconds, "%.3f");
        row("recording transactions/s", ours, ovs, Run::recordTps, "%.0f");
        row("recording overhead (%)", ours, ovs, r -> (r.recordSeconds() / r.liveSeconds() - 1) * 100, "%+.1f");
        row("replay wall time, JVM start included (s)", ours, ovs, Run::replaySeconds, "%.3f");
        row("replay / recorded run", ours, ovs, r -> r.replaySeconds() / r.recordSeconds(), "%.2f");
        row("recording size (MB)", ours, ovs, r -> r.recordingBytes() / 1e6, "%.1f");
        row("replay peak RSS (MB)", ours, ovs, r -> r.replayRssKb() / 1024.0, "%.0f");
        System.out.printf(Locale.ROOT, "| %-44s | %16s | %14s |%n", "replayed database equals recorded",
                ours.stream().allMatch(Run::sameDatabase) ? "yes" : "NO", ovs.stream().allMatch(Run::sameDatabase)
                        ? "yes" : "NO");
        System.out.printf(Locale.ROOT, "%nour replay / ovsdb-server replay: %.2f; our live throughput / ovsdb-server:"
                + " %.2f; replay time per transaction: %.1f us%n",
                median(ours, Run::replaySeconds)
                        / median(ovs, Run::replaySeconds),
                median(ours, Run::liveTps) / median(ovs, Run::liveTps),
                median(ours, Run::replaySeconds) / n * 1e6);
    }

    private static void row(String label, List<Run> ours, List<Run> ovs, java.util.function.ToDoubleFunction<Run> m,
            String format) {
        System.out.printf(Locale.ROOT, "| %-44s | %16s | %14s |%n", label,
                String.format(Locale.ROOT, format, median(ours, m)),
                String.format(Locale.ROOT, format, median(ovs, m)));
    }
}
