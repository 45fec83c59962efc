package io.streamreplay.dbserver.testing;

import io.streamreplay.testing.Programs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Open vSwitch's own {@code ovsdb-server}, run as a child process on a Unix socket: the reference our server's
 * answers are compared with. Logs to {@code DIR/NAME.log}; killed on {@link #close()}.
 */
public final class OpenVswitchServer implements AutoCloseable {

    private final Process process;
    private final Path socket;
    private final Path control;

    private OpenVswitchServer(Process process, Path socket, Path control) {
        this.process = process;
        this.socket = socket;
        this.control = control;
    }

    /**
     * Starts {@code ovsdb-server} on {@code database}, listening on {@code DIR/NAME.sock} with its control socket
     * {@code DIR/NAME.ctl}, and waits until it accepts connections.
     */
    public static OpenVswitchServer start(Path dir, String name, Path database) throws Exception {
        return start(dir, name, database, List.of());
    }

    /** As {@link #start(Path, String, Path)}, with more options ({@code --sync-from=...}, for example). */
    public static OpenVswitchServer start(Path dir, String name, Path database, List<String> options)
            throws Exception {
        OpenVswitchTools.ensureInstalled();
        Path socket = dir.resolve(name + ".sock");
        Path control = dir.resolve(name + ".ctl");
        List<String> command = new ArrayList<>(List.of("ovsdb-server", database.toString(), "--remote=punix:"
                + socket, "--unixctl=" + control, "--no-chdir", "--log-file=" + dir.resolve(name + ".log")));
        command.addAll(options);
        Process process = Programs.start(command, dir.resolve(name + ".out"));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!Files.exists(socket) || !Files.exists(control)) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                process.destroyForcibly();
                throw new IllegalStateException("ovsdb-server did not start: "
                        + Files.readString(dir.resolve(name + ".out")));
            }
            Thread.sleep(20);
        }
        return new OpenVswitchServer(process, socket, control);
    }

    /** The name to connect to, {@code unix:PATH}. */
    public String remote() {
        return "unix:" + socket;
    }

    /** Its control socket, for {@code ovs-appctl -t}. */
    public Path control() {
        return control;
    }

    /** Stops the server (SIGTERM, then SIGKILL after 10 s) and waits for it to end. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
