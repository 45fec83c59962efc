package io.streamreplay.proxy;

import io.streamreplay.dbserver.testing.ServerProcess;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code stream-proxy} running as its own JVM from the packaged jar; standard output and error in files. */
final class ProxyProcess implements AutoCloseable {

    /** The packaged proxy, built by {@code mvn package} before the integration tests run. */
    static final Path JAR = Path.of(System.getProperty("stream-proxy.jar", "target/stream-proxy.jar"))
            .toAbsolutePath();

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final Process process;
    private final Path out;
    private final Path err;

    private ProxyProcess(Process process, Path out, Path err) {
        this.process = process;
        this.out = out;
        this.err = err;
    }

    /** Runs {@code java JVM-ARGS -jar stream-proxy.jar ARGS} in {@code dir}, output in {@code dir/NAME.out|err}. */
    static ProxyProcess start(Path dir, String name, List<String> jvmArgs, List<String> args) throws IOException {
        List<String> command = new ArrayList<>(List.of(ServerProcess.java()));
        command.addAll(jvmArgs);
        command.addAll(List.of("-jar", JAR.toString()));
        command.addAll(args);
        Path out = dir.resolve(name + ".out");
        Path err = dir.resolve(name + ".err");
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectOutput(out.toFile())
                .redirectError(err.toFile()).start();
        return new ProxyProcess(process, out, err);
    }

    static ProxyProcess start(Path dir, String name, List<String> args) throws IOException {
        return start(dir, name, List.of("-Xmx128m"), args);
    }

    Process process() {
        return process;
    }

    /** Waits until a line of the console (standard error) matches {@code regex}; returns the match. */
    Matcher awaitLine(String regex) throws Exception {
        Pattern pattern = Pattern.compile(regex);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            for (String line : Files.readAllLines(err)) {
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
        throw new AssertionError("no line matching " + regex + " from the proxy; its output:\n" + console());
    }

    /** The port of the listener the proxy bound for {@code prefix} ({@code ptcp}, {@code pssl}). */
    int listenerPort(String prefix) throws Exception {
        return Integer.parseInt(awaitLine(prefix + ":(\\d+):127.0.0.1: listening").group(1));
    }

    /** The port of the {@code --http} endpoint. */
    int httpPort() throws Exception {
        return Integer.parseInt(awaitLine("http: serving .* on 127.0.0.1:(\\d+)").group(1));
    }

    String console() throws IOException {
        return Files.readString(err, StandardCharsets.UTF_8);
    }

    String stdout() throws IOException {
        return Files.readString(out, StandardCharsets.UTF_8);
    }

    int waitFor(long seconds) throws Exception {
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the proxy did not exit within " + seconds + " s; its output:\n" + console());
        }
        return process.exitValue();
    }

    /** GETs {@code path} from the proxy's HTTP endpoint on {@code port}. */
    static HttpResponse<String> get(int port, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Sends a signal ({@code USR2}, {@code KILL}) to the process. */
    void signal(String name) throws Exception {
        new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).start().waitFor();
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
