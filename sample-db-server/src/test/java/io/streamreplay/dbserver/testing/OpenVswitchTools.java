package io.streamreplay.dbserver.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Open vSwitch's own tools ({@code ovsdb-client}, {@code ovsdb-tool}, {@code ovs-appctl}), installed from the
 * Debian package {@code openvswitch-common} when missing, and run as processes.
 */
public final class OpenVswitchTools {

    private static boolean checked;

    private OpenVswitchTools() {
    }

    /** The Python IDL, shipped with {@code python3-openvswitch} for the system Python. */
    public static final Path PYTHON_IDL = Path.of("/usr/lib/python3/dist-packages/ovs/db/idl.py");
    /** The system Python, which {@code python3-openvswitch} installs into. */
    public static final String PYTHON = "/usr/bin/python3";

    /** The Open_vSwitch schema, shipped with {@code openvswitch-switch}. */
    public static final Path VSWITCH_SCHEMA = Path.of("/usr/share/openvswitch/vswitch.ovsschema");

    /**
     * Installs {@code openvswitch-common} (ovsdb-client, ovsdb-tool, ovs-appctl), {@code openvswitch-switch}
     * (ovs-vsctl and the Open_vSwitch schema) and {@code python3-openvswitch} (the Python IDL) unless they are
     * already there.
     */
    public static synchronized void ensureInstalled() throws Exception {
        if (checked) {
            return;
        }
        if (!onPath("ovsdb-client") || !onPath("ovs-vsctl") || !Files.exists(VSWITCH_SCHEMA)
                || !Files.exists(PYTHON_IDL)) {
            List<String> sudo = isRoot() ? List.of() : List.of("sudo", "-n");
            run(sudo, List.of("apt-get", "update", "-qq"));
            run(sudo, List.of("env", "DEBIAN_FRONTEND=noninteractive", "apt-get", "install", "-y", "-qq",
                    "openvswitch-common", "openvswitch-switch", "python3-openvswitch"));
            if (!onPath("ovsdb-client") || !onPath("ovs-vsctl")) {
                throw new IllegalStateException("Open vSwitch was installed but its tools are not on the PATH");
            }
        }
        checked = true;
    }

    private static void run(List<String> prefix, List<String> command) throws Exception {
        List<String> full = new ArrayList<>(prefix);
        full.addAll(command);
        Result result = exec(null, full, 600);
        if (result.status() != 0) {
            throw new IllegalStateException("cannot install Open vSwitch's tools: " + String.join(" ", full)
                    + " exited with " + result.status() + ":\n" + result.output());
        }
    }

    private static boolean onPath(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }

    private static boolean isRoot() throws Exception {
        return exec(null, List.of("id", "-u"), 10).output().trim().equals("0");
    }

    /** What a command printed (standard output and error together) and its exit status. */
    public record Result(int status, String output) {
    }

    /** Runs {@code command} in {@code dir}, killing it after {@code timeoutSeconds}. */
    public static Result exec(Path dir, List<String> command, long timeoutSeconds) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        if (dir != null) {
            builder.directory(dir.toFile());
        }
        Path output = Files.createTempFile("ovs-tool", ".out");
        try {
            Process process = builder.redirectOutput(output.toFile()).start();
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
            return new Result(process.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(output);
        }
    }

    /** Starts {@code command} with its output going to {@code output}. */
    public static Process start(List<String> command, Path output) throws IOException {
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
    }
}
