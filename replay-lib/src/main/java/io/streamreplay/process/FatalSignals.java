package io.streamreplay.process;

import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The signals that stop a server, SIGTERM and SIGINT, taken to its poll loop's thread, as Open vSwitch's
 * {@code fatal-signal} module does: the handler only notes the signal and wakes the loop, and the loop acts on it at
 * the start of its next iteration ({@link #exitIfReceived}). A recorded run therefore does nothing after the line it
 * logs on stopping, and its replay, which ends where the recording ends and logs that line there, leaves the same
 * log. (Acting on the signal's own thread would let the loop go on handling input after the line.)
 *
 * <p>A second signal before the loop acted on the first (a loop stuck in a long computation) ends the process at
 * once from the signal's thread, as a second Ctrl-C does in many servers, so that a wedged server still stops on
 * {@code kill}.
 *
 * <p>The exit status is the shell's for a process killed by the signal: 128 plus its number (143 for SIGTERM, 130
 * for SIGINT). Thread-safe: handlers run on the JVM's signal thread, {@link #exitIfReceived} on the loop's.
 */
public final class FatalSignals {

    private static final Logger log = LoggerFactory.getLogger(FatalSignals.class);
    private static final String[] CAUGHT = {"TERM", "INT"};

    private final AtomicReference<String> received = new AtomicReference<>();

    private FatalSignals() {
    }

    /**
     * Catches SIGTERM and SIGINT, and runs {@code wakeLoop} when one comes: the loop's
     * {@link io.streamreplay.poll.PollLoop#wakeup()}, so that it acts on the signal without waiting for input.
     */
    public static FatalSignals toLoop(Runnable wakeLoop) {
        FatalSignals signals = new FatalSignals();
        for (String name : CAUGHT) {
            Signals.handle(name, () -> {
                if (!signals.received.compareAndSet(null, "SIG" + name)) {
                    // A second one while the loop has not acted on the first (it is stuck): the operator means it.
                    log.warn("SIG{} again before the loop stopped on {}: exiting at once", name,
                            signals.received.get());
                    System.exit(exitStatus("SIG" + name));
                }
                wakeLoop.run();
            });
        }
        return signals;
    }

    /**
     * Catches SIGTERM and SIGINT and ends the process on the signal's thread, after {@code beforeExit} (given the
     * signal's name, such as {@code SIGTERM}): for a process whose run depends on nothing the signal could change
     * (a replay), and which must stop even while its loop is held, at a breakpoint for instance.
     */
    public static FatalSignals atOnce(Consumer<String> beforeExit) {
        for (String name : CAUGHT) {
            Signals.handle(name, () -> {
                beforeExit.accept("SIG" + name);
                System.exit(exitStatus("SIG" + name));
            });
        }
        return new FatalSignals();
    }

    /**
     * On the loop's thread: if a signal came, runs {@code beforeExit} with its name (to log and note it) and ends the
     * process with the signal's exit status; otherwise returns at once.
     */
    public void exitIfReceived(Consumer<String> beforeExit) {
        String signal = received.get();
        if (signal != null) {
            beforeExit.accept(signal);
            System.exit(exitStatus(signal));
        }
    }

    /** 128 plus the signal's number, as a shell reports a process the signal ended: 143 for SIGTERM, 130 for SIGINT. */
    static int exitStatus(String signal) {
        return signal.equals("SIGTERM") ? 143 : 130;
    }
}
