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
import java.util.function.ToDoubleFunction;

/**
 * The end-to-end comparison of sample-db-server and Open vSwitch's ovsdb-server, run by {@code benchmarks/e2e.sh}:
 * for each preset, size and connection count, each server is run live, recording and replaying, with the same
 * client ({@code sample-client bench --preset=P} plus one monitor), several times in alternating order; the tables
 * show medians with the range, and warn when other processes took more than a share of the machine's CPU during a
 * run ({@link OthersCpu}).
 *
 * <p>Usage: {@code EndToEnd SERVER-JAR CLIENT-JAR WORK-DIR RUNS SIZES CONNECTIONS PRESETS SERVERS OTHERS-CPU-SCRIPT},
 * where SIZES, CONNECTIONS, PRESETS and SERVERS are comma-separated lists (SERVERS: {@code ours}, {@code ovs}) and
 * OTHERS-CPU-SCRIPT is the path of {@code benchmarks/others-cpu.sh}.
 */
public final class EndToEnd {

    private static final String OVSDB_SERVER = "/usr/sbin/ovsdb-server";
    /** The JVM options of our live runs before the archive is made. */
    private static final List<String> LIVE_JVM = List.of();
    /** The JVM options of our replays: what bin/sample-db-server uses for --replay, with a 256 MiB heap. */
    private static final List<String> REPLAY_JVM = List.of("-Xmx256m", "-XX:TieredStopAtLevel=1",
            "-XX:+UseSerialGC", "-Xlog:cds=off", "-Xlog:cds+dynamic=off");

    private final Path serverJar;
    private final Path clientJar;
    private final Path work;
    private final List<String> replayJvm = new ArrayList<>(REPLAY_JVM);
    /** The JVM options of our live runs: what bin/sample-db-server uses live. */
    private final List<String> liveJvm = new ArrayList<>(LIVE_JVM);
    private final OthersCpu othersCpu;

    /** One server implementation under test. */
    private enum Server {
        OURS("sample-db-server"), OVS("ovsdb-server");

        final String label;

        Server(String label) {
            this.label = label;
        }
    }

    /**
     * The figures of one run of one server; {@code others}: the most CPU, in cores, that other processes took during
     * one of its three timed parts (live, recording, replay).
     */
    private record Run(double liveSeconds, double liveTps, double recordSeconds, double recordTps,
            double replaySeconds, long recordingBytes, long replayRssKb, boolean sameDatabase, double others) {
    }

    private EndToEnd(Path serverJar, Path clientJar, Path work, OthersCpu othersCpu) {
        this.serverJar = serverJar;
        this.clientJar = clientJar;
        this.work = work;
        this.othersCpu = othersCpu;
        if (Runtime.version().feature() >= 25) { // as bin/sample-db-server runs it on JDK 25 or newer
            replayJvm.add("-XX:+UseCompactObjectHeaders");
            liveJvm.add("-XX:+UseCompactObjectHeaders");
        }
    }

    public static void main(String[] args) throws Exception {
        EndToEnd e2e = new EndToEnd(Path.of(args[0]).toAbsolutePath(), Path.of(args[1]).toAbsolutePath(),
                Path.of(args[2]).toAbsolutePath(), new OthersCpu(Path.of(args[8])));
        int runs = Integer.parseInt(args[3]);
        int[] sizes = Arrays.stream(args[4].split(",")).mapToInt(Integer::parseInt).toArray();
        int[] connections = Arrays.stream(args[5].split(",")).mapToInt(Integer::parseInt).toArray();
        String[] presets = args[6].split(",");
        List<Server> servers = Arrays.stream(args[7].split(","))
                .map(name -> Server.valueOf(name.toUpperCase(Locale.ROOT))).toList();
        Files.createDirectories(e2e.work);
        if (servers.contains(Server.OURS)) {
            e2e.archiveClasses();
        }
        for (String preset : presets) {
            for (int n : sizes) {
                for (int c : connections) {
                    Map<Server, List<Run>> results = new LinkedHashMap<>();
                    for (Server server : servers) {
                        results.put(server, new ArrayList<>());
                    }
                    for (int r = 0; r < runs; r++) {
                        List<Server> order = new ArrayList<>(servers);
                        if (r % 2 == 1) {
                            java.util.Collections.reverse(order);
                        }
                        for (Server server : order) {
                            Run run = e2e.run(server, preset, n, c);
                            results.get(server).add(run);
                            System.err.printf(Locale.ROOT, "%s N=%d C=%d run %d/%d: %s (others: %.2f cores)%n",
                                    preset, n, c, r + 1, runs, server.label, run.others());
                        }
                    }
                    print(preset, n, c, runs, results, e2e.othersCpu.limit());
                }
            }
        }
    }

    /**
     * Makes the class-data archive our servers start from, as {@code bin/sample-db-server} makes it after the first
     * run of a build: the classes a replay of a short recorded run loads, archived statically
     * ({@code -Xshare:dump}). Not measured.
     */
    private void archiveClasses() throws Exception {
        System.err.println("archiving the classes of a replay (once, not measured)");
        Path archive = work.resolve("sample-db-server.jsa");
        Path classes = work.resolve("sample-db-server.classlist");
        Files.deleteIfExists(archive);
        Files.deleteIfExists(classes);
        replayJvm.add("-XX:DumpLoadedClassList=" + classes);
        run(Server.OURS, "standard", 2000, 2);
        replayJvm.remove(replayJvm.size() - 1);
        List<String> dump = new ArrayList<>(List.of(java(), "-Xshare:dump", "-XX:SharedClassListFile=" + classes,
                "-XX:SharedArchiveFile=" + archive, "-Xlog:cds=off", "-cp", serverJar.toString()));
        dump.addAll(1, liveJvm); // the archive must be made with the options it is used with
        exec(work, dump);
        replayJvm.add("-XX:SharedArchiveFile=" + archive);
        liveJvm.addAll(List.of("-Xlog:cds=off", "-XX:SharedArchiveFile=" + archive));
    }

    private Run run(Server server, String preset, int n, int c) throws Exception {
        Path dir = work.resolve(server.name().toLowerCase(Locale.ROOT));
        RunComparison.deleteRecursively(dir);
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("kv.ovsschema"), exec(dir, client("bench", "--print-schema")).trim());
        createDatabase(server, dir);
        Files.copy(dir.resolve("kv.db"), dir.resolve("pristine.db"));

        String mark = othersCpu.mark();
        JsonNode live = serve(server, dir, preset, n, c, null);
        double others = othersCpu.cores(mark, othersCpu.mark());
        Files.copy(dir.resolve("pristine.db"), dir.resolve("kv.db"), StandardCopyOption.REPLACE_EXISTING);
        Files.createDirectories(dir.resolve("recording")); // ovsdb-server records only into an existing directory
        mark = othersCpu.mark();
        JsonNode recorded = serve(server, dir, preset, n, c, dir.resolve("recording"));
        others = Math.max(others, othersCpu.cores(mark, othersCpu.mark()));
        Files.move(dir.resolve("kv.db"), dir.resolve("recorded.db"));
        Files.copy(dir.resolve("pristine.db"), dir.resolve("kv.db"));

        List<String> replay = new ArrayList<>(List.of("/usr/bin/time", "-f", "%M", "-o",
                dir.resolve("replay.rss").toString()));
        replay.addAll(serverCommand(server, dir, "--replay=" + dir.resolve("recording"), replayJvm));
        mark = othersCpu.mark();
        long start = System.nanoTime();
        Process process = new ProcessBuilder(replay).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("replay.out").toFile()).start();
        RunComparison.check(process.waitFor(30, TimeUnit.MINUTES) && process.exitValue() == 0, server.label
                + " replay failed; see " + dir.resolve("replay.out"));
        double replaySeconds = (System.nanoTime() - start) / 1e9;
        others = Math.max(others, othersCpu.cores(mark, othersCpu.mark()));
        long rss = Long.parseLong(Files.readAllLines(dir.resolve("replay.rss")).get(0).trim());
        boolean same = RunComparison.records(dir.resolve("recorded.db"))
                .equals(RunComparison.records(dir.resolve("kv.db")));
        return new Run(live.get("elapsed_seconds").asDouble(), live.get("transactions_per_second").asDouble(),
                recorded.get("elapsed_seconds").asDouble(), recorded.get("transactions_per_second").asDouble(),
                replaySeconds, RunComparison.size(dir.resolve("recording")), rss, same, others);
    }

    private void createDatabase(Server server, Path dir) throws Exception {
        List<String> create = server == Server.OURS
                ? List.of(java(), "-jar", serverJar.toString(), "create", "kv.db", "kv.ovsschema")
                : List.of("ovsdb-tool", "create", "kv.db", "kv.ovsschema");
        exec(dir, create);
    }

    /** Starts the server (recording into {@code recording} if not null), runs the bench, stops the server. */
    private JsonNode serve(Server server, Path dir, String preset, int n, int c, Path recording) throws Exception {
        Files.deleteIfExists(dir.resolve("db.sock"));
        Process process = new ProcessBuilder(serverCommand(server, dir, recording == null ? null
                : "--" + (server == Server.OURS ? "replay-record" : "record") + "=" + recording, liveJvm))
                .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(dir.resolve("server.out").toFile())
                .start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!Files.exists(dir.resolve("db.sock")) || !Files.exists(dir.resolve("ctl"))) {
            RunComparison.check(process.isAlive() && System.nanoTime() < deadline, server.label
                    + " did not start; see " + dir.resolve("server.out"));
            Thread.sleep(20);
        }
        JsonNode summary = Json.parse(exec(dir, client("bench", "--server=unix:" + dir.resolve("db.sock"),
                "--preset=" + preset, "-n", Integer.toString(n), "--connections", Integer.toString(c), "--monitors=1",
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

    private static double median(double[] unsorted) {
        double[] values = unsorted.clone();
        Arrays.sort(values);
        int mid = values.length / 2;
        return values.length % 2 == 1 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
    }

    /** The median with the range, {@code median [min..max]}, or the one value of a single run. */
    private static String spread(double[] values, String format) {
        String median = String.format(Locale.ROOT, format, median(values));
        if (values.length == 1) {
            return median;
        }
        return median + " [" + String.format(Locale.ROOT, format, Arrays.stream(values).min().getAsDouble()) + ".."
                + String.format(Locale.ROOT, format, Arrays.stream(values).max().getAsDouble()) + "]";
    }

    private static void print(String preset, int n, int c, int runs, Map<Server, List<Run>> results,
            double othersLimit) {
        List<Server> servers = new ArrayList<>(results.keySet());
        System.out.printf(Locale.ROOT, "%n%s preset, N = %d transactions, C = %d connections (+1 monitor); median"
                + " [min..max] of %d runs, order alternated%n%n", preset, n, c, runs);
        StringBuilder header = new StringBuilder(String.format(Locale.ROOT, "| %-44s |", ""));
        StringBuilder rule = new StringBuilder("|" + "-".repeat(46) + "|");
        for (Server server : servers) {
            header.append(String.format(Locale.ROOT, " %-30s |", server.label));
            rule.append("-".repeat(32)).append('|');
        }
        System.out.println(header);
        System.out.println(rule);
        row("live wall time (s)", results, Run::liveSeconds, "%.3f");
        row("live transactions/s", results, Run::liveTps, "%.0f");
        row("recording wall time (s)", results, Run::recordSeconds, "%.3f");
        row("recording transactions/s", results, Run::recordTps, "%.0f");
        row("recording overhead (%)", results, r -> (r.recordSeconds() / r.liveSeconds() - 1) * 100, "%+.1f");
        row("replay wall time, JVM start included (s)", results, Run::replaySeconds, "%.3f");
        row("replay / recorded run", results, r -> r.replaySeconds() / r.recordSeconds(), "%.2f");
        row("replay time per transaction (us)", results, r -> r.replaySeconds() / n * 1e6, "%.1f");
        row("recording size (MB)", results, r -> r.recordingBytes() / 1e6, "%.1f");
        row("replay peak RSS (MB)", results, r -> r.replayRssKb() / 1024.0, "%.0f");
        row("other processes' CPU (cores, most in a part)", results, Run::others, "%.2f");
        StringBuilder same = new StringBuilder(String.format(Locale.ROOT, "| %-44s |",
                "replayed database equals recorded"));
        for (Server server : servers) {
            same.append(String.format(Locale.ROOT, " %-30s |", results.get(server).stream().allMatch(Run::sameDatabase)
                    ? "yes" : "NO"));
        }
        System.out.println(same);
        if (results.containsKey(Server.OURS) && results.containsKey(Server.OVS)) {
            // Each round ran both servers back to back: the ratios are per round, then summarised.
            List<Run> ours = results.get(Server.OURS);
            List<Run> ovs = results.get(Server.OVS);
            double[] replay = new double[runs];
            double[] live = new double[runs];
            double[] recorded = new double[runs];
            for (int r = 0; r < runs; r++) {
                replay[r] = ours.get(r).replaySeconds() / ovs.get(r).replaySeconds();
                live[r] = ours.get(r).liveTps() / ovs.get(r).liveTps();
                recorded[r] = ours.get(r).recordTps() / ovs.get(r).recordTps();
            }
            System.out.printf(Locale.ROOT, "%nours / ovsdb-server, per round: replay time %s, live throughput %s,"
                    + " recording throughput %s%n", spread(replay, "%.2f"), spread(live, "%.2f"),
                    spread(recorded, "%.2f"));
        }
        List<String> disturbed = new ArrayList<>();
        results.forEach((server, list) -> {
            for (int r = 0; r < list.size(); r++) {
                if (list.get(r).others() > othersLimit) {
                    disturbed.add(String.format(Locale.ROOT, "%s run %d (%.2f)", server.label, r + 1,
                            list.get(r).others()));
                }
            }
        });
        if (!disturbed.isEmpty()) {
            System.out.printf(Locale.ROOT, "WARNING: other processes took more than %.2f cores during %s: those runs"
                    + " shared the machine, so their figures are slower than it can do%n", othersLimit,
                    String.join(", ", disturbed));
        }
    }

    private static void row(String label, Map<Server, List<Run>> results, ToDoubleFunction<Run> metric,
            String format) {
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "| %-44s |", label));
        for (List<Run> runs : results.values()) {
            line.append(String.format(Locale.ROOT, " %-30s |", spread(runs.stream().mapToDouble(metric).toArray(),
                    format)));
        }
        System.out.println(line);
    }
}
