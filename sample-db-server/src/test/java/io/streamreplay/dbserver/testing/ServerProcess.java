package io.streamreplay.dbserver.testing;

import io.streamreplay.stream.TlsConfig;
import io.streamreplay.testing.Programs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@code sample-db-server} running as its own JVM from the packaged jar, with its console output in a file.
 */
public final class ServerProcess implements AutoCloseable {

    /**
     * The packaged server, built by {@code mvn package} before the integration tests run; other modules' tests set
     * the system property {@code sample-db-server.jar} to its path.
     */
    public static final Path JAR = Path.of(System.getProperty("sample-db-server.jar", "target/sample-db-server.jar"))
            .toAbsolutePath();

    private final Process process;
    private final Path console;

    private ServerProcess(Process process, Path console) {
        this.process = process;
        this.console = console;
    }

    /** Runs {@code java -jar sample-db-server.jar ARGS} in {@code dir}. */
    public static ServerProcess start(Path dir, Path console, List<String> args) throws IOException {
        return start(dir, console, List.of(), args);
    }

    /** Runs {@code java JVM-ARGS -jar sample-db-server.jar ARGS} in {@code dir}. */
    public static ServerProcess start(Path dir, Path console, List<String> jvmArgs, List<String> args)
            throws IOException {
        List<String> command = new ArrayList<>(List.of(java(), "-Xmx256m"));
        command.addAll(jvmArgs);
        command.addAll(List.of("-jar", JAR.toString()));
        command.addAll(args);
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(console.toFile()).start();
        return new ServerProcess(process, console);
    }

    /**
     * Runs the server as {@link #start} does, with at most {@code maxDescriptors} open files ({@code ulimit -n}); the
     * process is the server's JVM itself ({@code exec}), so {@link #pid()} is its.
     */
    public static ServerProcess startWithFileLimit(Path dir, Path console, List<String> args, int maxDescriptors)
            throws IOException {
        List<String> command = new ArrayList<>(List.of("bash", "-c", "ulimit -n " + maxDescriptors + " && exec \"$@\"",
                "bash", java(), "-Xmx256m", "-jar", JAR.toString()));
        command.addAll(args);
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(console.toFile()).start();
        return new ServerProcess(process, console);
    }

    /** The process id. */
    public long pid() {
        return process.pid();
    }

    /** Runs the server to completion and returns its exit status. */
    public static int run(Path dir, Path console, List<String> args, long timeoutSeconds) throws Exception {
        try (ServerProcess server = start(dir, console, args)) {
            return server.waitFor(timeoutSeconds);
        }
    }

    /** The path of the running JVM's {@code java}. */
    public static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    public Process process() {
        return process;
    }

    /** Waits for the process to exit; fails with its console output if it does not in time. */
    public int waitFor(long timeoutSeconds) throws Exception {
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the server did not exit within " + timeoutSeconds + " s; its output:\n"
                    + consoleText());
        }
        return process.exitValue();
    }

    /** Waits until a console line matches {@code regex}; returns the match. */
    public Matcher awaitLine(String regex) throws Exception {
        Pattern pattern = Pattern.compile(regex);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            for (String line : Files.readAllLines(console)) {
                Matcher matcher = pattern.matcher(line);
                if (matcher.find()) {
                    return matcher;
                }
            }
            if (!process.isAlive()) {
                break;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no line matching " + regex + " from the server; its output:\n" + consoleText());
    }

    /** Everything the server printed so far. */
    public String consoleText() throws IOException {
        return Files.readString(console);
    }

    /**
     * Writes {@code schema} to {@code dir/kv.ovsschema}, creates {@code dir/kv.db} from it with the server's
     * {@code create} command, and keeps a copy as {@code dir/pristine.db}: the state a replay starts from.
     */
    public static Path createDatabase(Path dir, String schema) throws Exception {
        Files.writeString(dir.resolve("kv.ovsschema"), schema);
        int status = run(dir, dir.resolve("create.out"), List.of("create", "kv.db", "kv.ovsschema"), 30);
        if (status != 0) {
            throw new IllegalStateException("create exited with " + status + ": "
                    + Files.readString(dir.resolve("create.out")));
        }
        Files.copy(dir.resolve("kv.db"), dir.resolve("pristine.db"));
        return dir.resolve("kv.db");
    }

    /** Puts {@code dir/pristine.db} back as {@code dir/kv.db}, for a replay. */
    public static void restoreDatabase(Path dir) throws IOException {
        Files.copy(dir.resolve("pristine.db"), dir.resolve("kv.db"), StandardCopyOption.REPLACE_EXISTING);
    }

    /**
     * Copies {@code from/recording} to {@code to/recording} with its modes, as an operator carries a recording to
     * another machine; returns the copy.
     */
    public static Path copyRecording(Path from, Path to) throws Exception {
        Path target = to.resolve("recording");
        Programs.Result copy = Programs.exec(to, List.of("cp", "-a", from.resolve("recording").toString(),
                target.toString()), 30);
        if (copy.status() != 0) {
            throw new IllegalStateException("cp failed: " + copy.output());
        }
        return target;
    }

    /** Sends {@code exit} to the server's control socket {@code control}, without waiting for it to end. */
    public void requestExit(Path control) throws IOException {
        try (OvsdbTestClient client = OvsdbTestClient.connect("unix:" + control, TlsConfig.none())) {
            client.request("exit");
        }
    }

    /** Kills the process abruptly, as {@code kill -9} does. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
