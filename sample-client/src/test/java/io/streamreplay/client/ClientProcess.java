package io.streamreplay.client;

import io.streamreplay.dbserver.testing.ServerProcess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** {@code sample-client} run as its own process from the packaged jar, its output and status collected. */
final class ClientProcess {

    static final Path JAR = Path.of(System.getProperty("sample-client.jar", "target/sample-client.jar"))
            .toAbsolutePath();

    /** What a run printed and how it ended. */
    record Result(int status, String out, String err) {
    }

    private final Process process;
    private final Path out;
    private final Path err;

    private ClientProcess(Process process, Path out, Path err) {
        this.process = process;
        this.out = out;
        this.err = err;
    }

    /** Starts {@code sample-client ARGS} in {@code dir}. */
    static ClientProcess start(Path dir, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(ServerProcess.java(), "-jar", JAR.toString()));
        command.addAll(List.of(args));
        Path out = Files.createTempFile(dir, "client", ".out");
        Path err = Files.createTempFile(dir, "client", ".err");
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectOutput(out.toFile())
                .redirectError(err.toFile()).start();
        return new ClientProcess(process, out, err);
    }

    /** Runs {@code sample-client ARGS} to completion. */
    static Result run(Path dir, String... args) throws Exception {
        return start(dir, args).finish(60);
    }

    /** Sends SIGINT, as Ctrl-C does. */
    void interrupt() throws Exception {
        new ProcessBuilder("kill", "-INT", Long.toString(process.pid())).start().waitFor();
    }

    /** Waits until the output contains {@code text}. */
    String awaitOutput(String text) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        String content = "";
        while (System.nanoTime() < deadline) {
            content = Files.readString(out, StandardCharsets.UTF_8);
            if (content.contains(text)) {
                return content;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("\"" + text + "\" never appeared; output:\n" + content + "\nerrors:\n"
                + Files.readString(err));
    }

    /** Waits for the exit and returns what the run printed. */
    Result finish(long timeoutSeconds) throws Exception {
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("sample-client did not exit; output:\n" + Files.readString(out)
                    + "\nerrors:\n" + Files.readString(err));
        }
        return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }
}
