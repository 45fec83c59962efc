package io.streamreplay.fault;

import io.streamreplay.poll.Clock;
import io.streamreplay.stream.StreamProvider;
import java.util.HashSet;
import java.util.Set;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The faults in force in one process, and the seed every fault decision derives from: what
 * {@code --stream-faults}, {@code --stream-faults-seed} and the control commands {@code stream-faults/set},
 * {@code stream-faults/list} and {@code stream-faults/clear} act on. Obtain it from the process's
 * {@code ReplayContext}, which puts the {@link FaultyStreamProvider} below the recording.
 *
 * <p>When replaying, faults are held and listed as the recorded run held them, but not injected: the recording
 * already holds their results.
 *
 * <p>Threading: the loop thread (control commands run there).
 */
public final class StreamFaults {

    private static final Logger log = LoggerFactory.getLogger(StreamFaults.class);

    /** Told of each change, with the faults as they are after it. */
    @FunctionalInterface
    public interface Listener {
        /** {@code spec} (empty once cleared) is in force from now on, its decisions seeded from {@code seed}. */
        void changed(FaultSpec spec, long seed);
    }

    private final boolean injecting;
    private final LongSupplier seedSource;
    private final Listener listener;
    private final Set<String> exempt = new HashSet<>();
    private FaultSpec spec = FaultSpec.NONE;
    private Long seed;

    /**
     * @param injecting whether {@link #wrap} injects (false when replaying)
     * @param seed the seed given by the user, or null to draw one from {@code seedSource} when first needed
     * @param seedSource draws a seed (a recorded source, so that a replay draws the recorded one)
     * @param listener told of each change (for the manifest), or null
     */
    public StreamFaults(boolean injecting, Long seed, LongSupplier seedSource, Listener listener) {
        this.injecting = injecting;
        this.seed = seed;
        this.seedSource = seedSource;
        this.listener = listener;
    }

    /** {@code spec} injected with {@code seed}, outside any recording: for tests and tools. */
    public static StreamFaults of(String spec, long seed) {
        StreamFaults faults = new StreamFaults(true, seed, () -> seed, null);
        faults.spec = FaultSpec.parse(spec);
        return faults;
    }

    /** Puts {@code spec} in force (in place of the faults before), drawing the seed if none is known yet. */
    public void set(FaultSpec spec) {
        long s = seed();
        this.spec = spec;
        log.info("stream faults: {} (seed {})", spec.isEmpty() ? "none" : spec, s);
        if (listener != null) {
            listener.changed(spec, s);
        }
    }

    /** Removes every fault; streams already held (delayed, hung) are released when their time comes. */
    public void clear() {
        if (!spec.isEmpty()) {
            spec = FaultSpec.NONE;
            log.info("stream faults cleared");
            if (listener != null) {
                listener.changed(spec, seed());
            }
        }
    }

    /** The faults in force. */
    public FaultSpec spec() {
        return spec;
    }

    /** The seed of every decision, drawn now if none was given or drawn before. */
    public long seed() {
        if (seed == null) {
            seed = seedSource.getAsLong();
        }
        return seed;
    }

    /** Whether the seed is known (given, or drawn because faults were set). */
    public boolean seedKnown() {
        return seed != null;
    }

    /** Whether faults are injected (false when replaying). */
    public boolean injecting() {
        return injecting;
    }

    /**
     * Exempts the streams accepted from the listener named {@code listenerName} (as given to {@code listen}) from
     * every fault: for the control socket, which must stay usable to clear them.
     */
    public void exempt(String listenerName) {
        exempt.add(listenerName);
    }

    boolean exempted(String listenerName) {
        return exempt.contains(listenerName);
    }

    /**
     * {@code live} with these faults injected into its streams, or {@code live} itself when not injecting.
     *
     * @param clock the loop's clock, which times delays, hangs, bandwidth and blackouts (recorded when recording)
     */
    public StreamProvider wrap(StreamProvider live, Clock clock) {
        return injecting ? new FaultyStreamProvider(live, this, clock) : live;
    }

    /** What {@code stream-faults/list} prints: the seed and the rules, one a line, numbered. */
    public String describe() {
        StringBuilder text = new StringBuilder();
        if (spec.isEmpty()) {
            text.append("no stream faults");
        } else {
            // The same text when replaying: the reply is part of the recorded run.
            text.append("stream faults");
        }
        if (seed != null) {
            text.append(", seed ").append(seed);
        }
        text.append('\n');
        int n = 0;
        for (FaultRule rule : spec.rules()) {
            text.append("  ").append(++n).append(": ").append(rule).append('\n');
        }
        return text.toString();
    }
}
