package io.streamreplay.tool.drive;

import io.streamreplay.dbserver.testing.ServerProcess;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The programs the drive's integration tests run, from their packaged jars (built by {@code mvn package} before the
 * integration tests run) or from the PATH, each with its standard output and error kept apart.
 */
final class Processes {

    static final Path TOOL = jar("replay-tool.jar", "target/replay-tool.jar");
    static final Path CLIENT = jar("sample-client.jar", "../sample-client/target/sample-client.jar");
    static final Path PROXY = jar("stream-proxy.jar", "../stream-proxy/target/stream-proxy.jar");
    static final Path SERVER = jar("sample-db-server.jar", "../sample-db-server/target/sample-db-server.jar");

    /** What a program printed, and its status; {@code seconds} the wall time it took. */
    record Result(int status, String out, String err, double seconds) {
    }

    private Processes() {
    }

    private static Path jar(String property, String fallback) {
        return Path.of(System.getProperty(property, fallback)).toAbsolutePath();
    }

    /** {@code java -jar JAR ARGS}, as a command. */
    static List<String> java(Path jar, List<String> args) {
        List<String> command = new ArrayList<>(List.of(ServerProcess.java(), "-Xmx256m", "-jar", jar.toString()));
        command.addAll(args);
        return command;
    }

    /** Runs {@code command} in {@code dir} to its end, within {@code timeoutSeconds}. */
    static Result run(Path dir, List<String> command, long timeoutSeconds) throws Exception {
        Path out = Files.createTempFile(dir, "out", ".txt");
        Path err = Files.createTempFile(dir, "err", ".txt");
        long start = System.nanoTime();
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectOutput(out.toFile())
                .redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .start();
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
            throw new AssertionError(String.join(" ", command) + " did not end within " + timeoutSeconds + " s:\n"
                    + Files.readString(out) + Files.readString(err));
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8), seconds);
    }

    /** Runs {@code command} and fails unless it exits with 0; returns what it printed. */
    static String ok(Path dir, List<String> command) throws Exception {
        Result result = run(dir, command, 120);
        if (result.status() != 0) {
            throw new AssertionError(String.join(" ", command) + " exited with " + result.status() + ":\n"
                    + result.out() + result.err());
        }
        return result.out();
    }

    /** Starts {@code command} in {@code dir}, its output (both streams) going to {@code dir/NAME.out}. */
    static Process start(Path dir, String name, List<String> command) throws IOException {
        return new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve(name + ".out").toFile()).start();
    }

    /** Waits until {@code file} exists (a socket bound), or fails with {@code process}'s output. */
    static void awaitFile(Path file, Process process, Path output) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!Files.exists(file)) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                throw new AssertionError(file + " did not appear; the program printed:\n"
                        + (Files.exists(output) ? Files.readString(output) : ""));
            }
            Thread.sleep(20);
        }
    }

    /** Ends {@code process} (SIGTERM, then SIGKILL) and waits for it. */
    static void stop(Process process) throws InterruptedException {
        if (process == null) {
            return;
        }
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }
}
