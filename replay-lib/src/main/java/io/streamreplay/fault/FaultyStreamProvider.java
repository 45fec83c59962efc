package io.streamreplay.fault;

import io.streamreplay.poll.Clock;
import io.streamreplay.stream.ForwardingPassiveStream;
import io.streamreplay.stream.PassiveStream;
import io.streamreplay.stream.Stream;
import io.streamreplay.stream.StreamProvider;
import java.io.IOException;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link StreamProvider} that injects the faults of a {@link StreamFaults} into the streams of another (the live
 * transports): each stream opened or accepted becomes a {@link FaultyStream}, and {@code blackout} rules refuse
 * connects and accepts. The faults in force are read at each operation, so a change at run time applies to the
 * streams already open.
 *
 * <p>Determinism: every decision comes from a generator of its own, derived from the seed and what it decides for:
 * a stream opened by name from that name and how many streams were opened by it before; an accepted stream from its
 * listener's name (as given) and how many that listener accepted before; blackouts from the name. So two runs with
 * the same seed that open and accept the same streams in the same order, and move the same bytes, make the same
 * decisions, however their streams interleave.
 *
 * <p>Loop thread only, like the streams it wraps.
 */
public final class FaultyStreamProvider implements StreamProvider {

    private static final Logger log = LoggerFactory.getLogger(FaultyStreamProvider.class);

    private final StreamProvider inner;
    private final StreamFaults faults;
    private final Clock clock;
    /** Streams derived per key so far, for the next stream's generator. */
    private final Map<String, Long> derived = new HashMap<>();
    /** The connection decisions' generators, per key. */
    private final Map<String, SplittableRandom> connections = new HashMap<>();
    /** Connections seen per blackout rule and key, for its warmup. */
    private final IdentityHashMap<FaultRule, Map<String, Long>> seen = new IdentityHashMap<>();
    /** The end of each blackout under way, loop-clock nanoseconds, per rule. */
    private final IdentityHashMap<FaultRule, Long> blackouts = new IdentityHashMap<>();

    /** Injects {@code faults} into {@code inner}'s streams; {@code clock} (the loop's) times them. */
    public FaultyStreamProvider(StreamProvider inner, StreamFaults faults, Clock clock) {
        this.inner = inner;
        this.faults = faults;
        this.clock = clock;
    }

    @Override
    public Stream open(String name) throws IOException {
        FaultRule blackout = blackout("open:" + name, false, name, null);
        if (blackout != null) {
            return new RefusedStream(name, "Connection refused (injected by " + blackout + ")");
        }
        return new FaultyStream(inner.open(name), faults, clock, derive("open:" + name), null, null);
    }

    @Override
    public PassiveStream listen(String name) throws IOException {
        PassiveStream listener = inner.listen(name);
        return new ForwardingPassiveStream(listener) {
            @Override
            public Stream accept() throws IOException {
                Stream accepted = listener.accept();
                if (accepted == null || faults.exempted(name)) {
                    return accepted;
                }
                FaultRule blackout = blackout("accept:" + name, true, name, listener.name());
                if (blackout != null) {
                    log.debug("{}: {} refused by {}", listener.name(), accepted.name(), blackout);
                    accepted.reset();
                    return null;
                }
                return new FaultyStream(accepted, faults, clock, derive("accept:" + name), name, listener.name());
            }
        };
    }

    /**
     * The generator of the next stream derived from {@code key}, made when the stream first needs it: by then faults
     * were set, and with them the seed drawn, so that a stream never draws the seed itself (a replay, which has no
     * streams of this kind, could not draw it at the same point).
     */
    private Supplier<SplittableRandom> derive(String key) {
        long index = derived.merge(key, 1L, Long::sum) - 1;
        return () -> new SplittableRandom(mix(faults.seed(), key, index));
    }

    static long mix(long seed, String key, long index) {
        long h = seed;
        for (int i = 0; i < key.length(); i++) {
            h = h * 0x100000001B3L ^ key.charAt(i);
        }
        return new SplittableRandom(h ^ index * 0x9E3779B97F4A7C15L).nextLong();
    }

    /**
     * The blackout rule that refuses this connect ({@code in} false) or accept now, starting one if its dice say
     * so; null if none does.
     */
    private FaultRule blackout(String key, boolean in, String name, String boundName) {
        FaultSpec spec = faults.spec();
        if (spec.isEmpty()) {
            return null;
        }
        long now = clock.nanoTime();
        FaultRule refusing = null;
        for (FaultRule rule : spec.rules()) {
            if (rule.behaviour() != FaultBehaviour.BLACKOUT || !rule.direction().covers(in)
                    || !(rule.selects(name) || rule.selects(boundName))) {
                continue;
            }
            Long until = blackouts.get(rule);
            if (until != null && now < until) {
                refusing = refusing == null ? rule : refusing;
                continue;
            }
            long count = seen.computeIfAbsent(rule, r -> new HashMap<>()).merge(key, 1L, Long::sum);
            SplittableRandom dice = connections.computeIfAbsent(key,
                    k -> new SplittableRandom(mix(faults.seed(), "connections:" + k, 0)));
            if (count > rule.warmup() && dice.nextDouble() * 100 < rule.percent()) {
                long ms = rule.number("ms", 0);
                blackouts.put(rule, now + ms * 1_000_000L);
                log.debug("{}: blackout for {} ms ({})", name, ms, rule);
                refusing = refusing == null ? rule : refusing;
            }
        }
        return refusing;
    }
}
