package io.streamreplay.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * SIGTERM and SIGINT, as a real process receives them: the first is handed to the loop, which stops the process
 * when it next runs; a second one while the loop is stuck ends the process at once.
 */
class FatalSignalsTest {

    /** A process whose loop acts on a signal only when told to on its standard input ("run"), or never. */
    public static final class Server {
        public static void main(String[] args) throws Exception {
            CountDownLatch woken = new CountDownLatch(1);
            FatalSignals signals = FatalSignals.toLoop(woken::countDown);
            System.out.println("ready");
            System.out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            woken.await();
            System.out.println("woken");
            System.out.flush();
            if ("run".equals(in.readLine())) {
                signals.exitIfReceived(signal -> System.out.println("stopping on " + signal));
            }
            Thread.sleep(Long.MAX_VALUE);
        }
    }

    private static Process start() throws Exception {
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Server.class.getName()).redirectErrorStream(true)
                .start();
        assertEquals("ready", reader(process).readLine());
        return process;
    }

    private static BufferedReader reader(Process process) {
        return new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    }

    private static void signal(Process process, String name) throws Exception {
        assertEquals(0, new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).start().waitFor());
    }

    @Test
    void theLoopStopsTheProcessWhenItRunsWithTheSignalsExitStatus() throws Exception {
        Process process = start();
        try {
            BufferedReader out = reader(process);
            signal(process, "TERM");
            assertEquals("woken", out.readLine(), "the signal wakes the loop");
            assertFalse(process.waitFor(300, TimeUnit.MILLISECONDS), "nothing stops before the loop acts");
            process.getOutputStream().write("run\n".getBytes(StandardCharsets.UTF_8));
            process.getOutputStream().flush();
            assertEquals("stopping on SIGTERM", out.readLine());
            assertTrue(process.waitFor(30, TimeUnit.SECONDS));
            assertEquals(143, process.exitValue());
        } finally {
            process.destroyForcibly();
        }
    }

    @Test
    void aSecondSignalWhileTheLoopIsStuckEndsTheProcessAtOnce() throws Exception {
        Process process = start();
        try {
            BufferedReader out = reader(process);
            signal(process, "INT");
            assertEquals("woken", out.readLine());
            signal(process, "INT");
            assertTrue(process.waitFor(30, TimeUnit.SECONDS), "a stuck loop still stops on a second signal");
            assertEquals(130, process.exitValue());
        } finally {
            process.destroyForcibly();
        }
    }
}
