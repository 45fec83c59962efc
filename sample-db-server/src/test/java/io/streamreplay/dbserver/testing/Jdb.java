package io.streamreplay.dbserver.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The JDK's {@code jdb}, attached to a JVM's debug agent and driven as a person types into it: a command, then its
 * output up to an expected text. Every wait is bounded.
 */
public final class Jdb implements AutoCloseable {

    private static final long WAIT_SECONDS = 30;

    private final Process process;
    private final InputStream out;
    private final OutputStream in;
    private final StringBuilder seen = new StringBuilder();
    private int consumed;

    private Jdb(Process process) {
        this.process = process;
        this.out = process.getInputStream();
        this.in = process.getOutputStream();
    }

    /** {@code jdb -attach 127.0.0.1:PORT}, once it is ready for commands. */
    public static Jdb attach(int port) throws Exception {
        Path jdb = Path.of(System.getProperty("java.home"), "bin", "jdb");
        Jdb session = new Jdb(new ProcessBuilder(jdb.toString(), "-attach", "127.0.0.1:" + port)
                .redirectErrorStream(true).start());
        session.await("Initializing jdb ...");
        return session;
    }

    /** Types {@code command} and returns its output up to and including {@code expected}. */
    public String command(String command, String expected) throws Exception {
        in.write((command + "\n").getBytes(StandardCharsets.UTF_8));
        in.flush();
        return await(expected);
    }

    /** Reads output until {@code expected} appears after what earlier calls read; returns that output. */
    public String await(String expected) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (seen.indexOf(expected, consumed) < 0) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("jdb never printed \"" + expected + "\"; it printed:\n" + seen);
            }
            if (out.available() > 0) {
                seen.append(new String(out.readNBytes(out.available()), StandardCharsets.UTF_8));
            } else if (!process.isAlive()) {
                throw new AssertionError("jdb ended before printing \"" + expected + "\":\n" + seen);
            } else {
                Thread.sleep(20);
            }
        }
        int end = seen.indexOf(expected, consumed) + expected.length();
        String text = seen.substring(consumed, end);
        consumed = end;
        return text;
    }

    @Override
    public void close() throws IOException {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
