package io.streamreplay.dbserver.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
        List<String> command = new ArrayList<>(List.of(java(), "-Xmx256m", "-jar", JAR.toString()));
        command.addAll(args);
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(console.toFile()).start();
        return new ServerProcess(process, console);
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
