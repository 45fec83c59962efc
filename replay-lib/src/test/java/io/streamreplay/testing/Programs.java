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
        List<String> sudo = exec(null, List.of("id", "-u"), 10).output().trim().equals("0") ? List.of()
                : List.of("sudo", "-n");
        install(sudo, List.of("apt-get", "update", "-qq"));
        List<String> command = new ArrayList<>(List.of("env", "DEBIAN_FRONTEND=noninteractive", "apt-get", "install",
                "-y", "-qq"));
        command.addAll(List.of(packages));
        install(sudo, command);
        if (!present.getAsBoolean()) {
            throw new IllegalStateException(String.join(", ", packages) + " installed, but what they provide is"
                    + " still missing");
        }
    }

    private static void install(List<String> prefix, List<String> command) throws Exception {
        List<String> full = new ArrayList<>(prefix);
        full.addAll(command);
        Result result = exec(null, full, 900);
        if (result.status() != 0) {
            throw new IllegalStateException("cannot install packages: " + String.join(" ", full) + " exited with "
                    + result.status() + ":\n" + result.output());
        }
    }
}
