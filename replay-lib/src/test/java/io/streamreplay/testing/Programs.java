package io.streamreplay.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Running real programs from tests, and installing the Debian packages that provide them when they are missing
 * (as root, or through passwordless sudo), so that a test needs nothing installed by hand.
 */
public final class Programs {

    private Programs() {
    }

    /** What a command printed (standard output and error together) and its exit status. */
    public record Result(int status, String output) {
    }

    /** Runs {@code command} in {@code dir} (null: the current directory), killing it after {@code timeoutSeconds}. */
    public static Result exec(Path dir, List<String> command, long timeoutSeconds) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        if (dir != null) {
            builder.directory(dir.toFile());
        }
        Path output = Files.createTempFile("program", ".out");
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

    /** Whether {@code program} is an executable in a directory of the PATH. */
    public static boolean onPath(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }

    /**
     * Installs {@code packages} with apt-get unless {@code present} already holds, and checks that it holds
     * afterwards.
     *
     * @throws IllegalStateException with apt-get's output if installing fails
     */
    public static synchronized void ensureDebianPackages(BooleanSupplier present, String... packages)
            throws Exception {
        if (present.getAsBoolean()) {
            return;
        }
        asRoot(List.of("apt-get", "update", "-qq"), 900);
        List<String> command = new ArrayList<>(List.of("env", "DEBIAN_FRONTEND=noninteractive", "apt-get", "install",
                "-y", "-qq"));
        command.addAll(List.of(packages));
        asRoot(command, 900);
        if (!present.getAsBoolean()) {
            throw new IllegalStateException(String.join(", ", packages) + " installed, but what they provide is"
                    + " still missing");
        }
    }

    /**
     * Mounts a tmpfs of {@code kilobytes} on {@code dir}, owner-only: a real file system that fills up. Needs root,
     * or passwordless sudo.
     */
    public static void mountSmallDisk(Path dir, int kilobytes) throws Exception {
        Files.createDirectories(dir);
        asRoot(List.of("mount", "-t", "tmpfs", "-o", "size=" + kilobytes + "k,mode=0700", "tmpfs", dir.toString()),
                60);
    }

    /** Unmounts what {@link #mountSmallDisk} mounted. */
    public static void unmount(Path dir) throws Exception {
        asRoot(List.of("umount", dir.toString()), 60);
    }

    /**
     * Runs {@code command} as root: directly if this is root, else through {@code sudo -n}.
     *
     * @throws IllegalStateException with the command's output if it fails
     */
    public static void asRoot(List<String> command, long timeoutSeconds) throws Exception {
        List<String> full = rootCommand(command);
        Result result = exec(null, full, timeoutSeconds);
        if (result.status() != 0) {
            throw new IllegalStateException(String.join(" ", full) + " exited with " + result.status() + ":\n"
                    + result.output());
        }
    }

    /**
     * Starts {@code command} as root, as {@link #asRoot} runs one, with its output going to {@code output}. When it
     * runs through {@code sudo}, the process returned is sudo's: stop it with its descendants.
     */
    public static Process startAsRoot(List<String> command, Path output) throws Exception {
        return start(rootCommand(command), output);
    }

    private static List<String> rootCommand(List<String> command) throws Exception {
        List<String> full = new ArrayList<>(exec(null, List.of("id", "-u"), 10).output().trim().equals("0")
                ? List.of() : List.of("sudo", "-n"));
        full.addAll(command);
        return full;
    }
}
