package io.streamreplay.benchmarks;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The CPU that processes other than the benchmark's own took during a timed part, through the shell functions of
 * {@code benchmarks/others-cpu.sh} (one definition for every benchmark script): the machine's busy time minus that
 * of this JVM's process tree (the servers and clients it starts), over the wall time, in cores. Not thread-safe;
 * errors running the script are {@link IllegalStateException}s with its output.
 */
final class OthersCpu {

    private final Path script;
    private final double limit;

    /** {@code script}: the path of others-cpu.sh. */
    OthersCpu(Path script) {
        this.script = script;
        this.limit = Double.parseDouble(call("echo \"$OTHERS_CPU_MAX\""));
    }

    /** A mark to give {@link #cores} later: clock ticks of the wall, the machine's busy time and this tree's. */
    String mark() {
        return call("cpu_mark " + ProcessHandle.current().pid());
    }

    /** Other processes' CPU between two marks, in cores (0.5: half of one core's time). */
    double cores(String start, String end) {
        return Double.parseDouble(call("cpu_others '" + start + "' '" + end + "'"));
    }

    /** The share above which a run counts as disturbed, in cores (OTHERS_CPU_MAX, default 0.1). */
    double limit() {
        return limit;
    }

    private String call(String command) {
        try {
            Process process = new ProcessBuilder(List.of("bash", "-c", ". \"$0\" && " + command, script.toString()))
                    .redirectErrorStream(true).start();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!process.waitFor(10, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException(script + ": " + command + " failed: " + out);
            }
            return out;
        } catch (java.io.IOException e) {
            throw new IllegalStateException(script + ": " + command + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(script + ": " + command + " interrupted", e);
        }
    }
}
