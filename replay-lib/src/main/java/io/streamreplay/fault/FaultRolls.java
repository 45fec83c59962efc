package io.streamreplay.fault;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The decisions of one stream's faults: which rules strike an operation, whether a rule decided per stream
 * ({@code bandwidth}, {@code limit-data}, {@code reset(after=N)}) applies to it, and the bytes counted against byte
 * limits. Every draw comes from the stream's own generator, in the order the stream asks, so that the same seed and
 * input give the same faults; the {@link FaultyStream} that owns this acts on what it decides.
 *
 * <p>Loop thread only, as that stream.
 */
final class FaultRolls {

    private static final Logger log = LoggerFactory.getLogger(FaultRolls.class);

    private final Supplier<SplittableRandom> derive;
    private SplittableRandom random;
    /** Per rule object (two rules may be equal): per-stream choices and bytes counted. */
    private final IdentityHashMap<FaultRule, Boolean> chosen = new IdentityHashMap<>();
    private final IdentityHashMap<FaultRule, Long> counted = new IdentityHashMap<>();
    private long operations;

    /** @param derive makes the stream's generator, on the first draw */
    FaultRolls(Supplier<SplittableRandom> derive) {
        this.derive = derive;
    }

    /** What the rules decided for one operation. */
    static final class Decision {
        /** The injected failure's message, without the stream's name, or null. */
        String failure;
        /** Whether that failure resets the connection rather than closing it. */
        boolean reset;
        /** Bits to flip in the bytes received. */
        int corruptBits;
        /** The largest piece to hand on at a time (a slice), or 0 for no slicing. */
        int piece;
        /** Until when, on the loop's clock, the operation's bytes wait; {@link Long#MIN_VALUE} for not at all. */
        long holdUntil = Long.MIN_VALUE;
        /** Until when the stream hangs: the time given, pushed later by a {@code hang}; {@link Long#MAX_VALUE}: ever. */
        long hangUntil;
    }

    /** The stream's generator of decisions, also for the draws the stream makes itself (which bits, which piece). */
    SplittableRandom random() {
        if (random == null) {
            random = derive.get();
        }
        return random;
    }

    /**
     * Counts one operation of the stream called {@code name} (a {@code recv} that brought bytes, {@code in}, or a
     * {@code send}) at {@code now}, the stream hanging until {@code hangUntil}, and rolls each per-operation rule of
     * {@code rules} once, in order, up to the first failure.
     */
    Decision decide(String name, List<FaultRule> rules, boolean in, long now, long hangUntil) {
        operations++;
        Decision decision = new Decision();
        decision.hangUntil = hangUntil;
        for (FaultRule rule : rules) {
            FaultBehaviour behaviour = rule.behaviour();
            if (!rule.direction().covers(in) || behaviour.scope() != FaultBehaviour.Scope.OPERATION
                    || (behaviour == FaultBehaviour.RESET && rule.number("after", -1) >= 0)
                    || operations <= rule.warmup() || random().nextDouble() * 100 >= rule.percent()) {
                continue;
            }
            log.debug("{}: {} on {} operation {}", name, rule, in ? "recv" : "send", operations);
            switch (behaviour) {
                case DELAY -> {
                    long jitter = rule.number("jitter", 0);
                    long ms = rule.number("ms", 0) + (jitter == 0 ? 0 : random().nextLong(-jitter, jitter + 1));
                    decision.holdUntil = Math.max(decision.holdUntil, now + ms * 1_000_000L);
                }
                case HANG -> {
                    long ms = rule.number("ms", -1);
                    decision.hangUntil = ms < 0 ? Long.MAX_VALUE
                            : Math.max(decision.hangUntil, now + ms * 1_000_000L);
                    decision.holdUntil = Math.max(decision.holdUntil, decision.hangUntil);
                }
                case SLICE -> {
                    int max = (int) Math.min(Integer.MAX_VALUE, rule.number("max", 1));
                    decision.piece = decision.piece == 0 ? max : Math.min(decision.piece, max);
                }
                case CORRUPT -> decision.corruptBits += (int) rule.number("bits", 1);
                case RESET -> {
                    decision.failure = "Connection reset by peer (injected by " + rule + ")";
                    decision.reset = true;
                    return decision;
                }
                case ERROR -> {
                    decision.failure = errno(rule.word("errno")) + " (injected by " + rule + ")";
                    decision.reset = rule.word("errno").equals("ECONNRESET");
                    return decision;
                }
                default -> throw new IllegalStateException(behaviour + " is not decided per operation");
            }
        }
        return decision;
    }

    /** Whether a rule decided per stream applies to this one, rolled the first time the stream meets it. */
    private boolean chosen(FaultRule rule) {
        return chosen.computeIfAbsent(rule, r -> random().nextDouble() * 100 < r.percent());
    }

    /** Whether {@code rule} limits the bytes of this stream in the direction given. */
    private boolean counts(FaultRule rule, boolean in) {
        boolean counting = rule.behaviour() == FaultBehaviour.LIMIT_DATA
                || (rule.behaviour() == FaultBehaviour.RESET && rule.number("after", -1) >= 0);
        return counting && rule.direction().covers(in) && operations >= rule.warmup() && chosen(rule);
    }

    /** The bytes {@code rule} ({@code limit-data} or {@code reset(after=N)}) lets through. */
    static long limit(FaultRule rule) {
        return rule.behaviour() == FaultBehaviour.LIMIT_DATA ? rule.number("bytes", 0) : rule.number("after", 0);
    }

    /** The bytes that may move before a byte limit is reached; {@link Long#MAX_VALUE} if none applies. */
    long budget(List<FaultRule> rules, boolean in) {
        long budget = Long.MAX_VALUE;
        for (FaultRule rule : rules) {
            if (counts(rule, in)) {
                budget = Math.min(budget, Math.max(0, limit(rule) - counted.getOrDefault(rule, 0L)));
            }
        }
        return budget;
    }

    /** The bytes per second the stream may move in the direction given; 0 if unlimited. */
    long rate(List<FaultRule> rules, boolean in) {
        long rate = 0;
        for (FaultRule rule : rules) {
            if (rule.behaviour() == FaultBehaviour.BANDWIDTH && rule.direction().covers(in)
                    && operations >= rule.warmup() && chosen(rule)) {
                long r = rule.number("rate", 0);
                rate = rate == 0 ? r : Math.min(rate, r);
            }
        }
        return rate;
    }

    /** Counts {@code n} bytes moved in the direction given against the byte limits. */
    void account(List<FaultRule> rules, boolean in, int n) {
        for (FaultRule rule : rules) {
            if (counts(rule, in)) {
                counted.merge(rule, (long) n, Long::sum);
            }
        }
    }

    /** The first rule of {@code rules} whose byte limit the direction given has reached, or null. */
    FaultRule limitReached(List<FaultRule> rules, boolean in) {
        for (FaultRule rule : rules) {
            if (counts(rule, in) && counted.getOrDefault(rule, 0L) >= limit(rule)) {
                return rule;
            }
        }
        return null;
    }

    private static String errno(String name) {
        return switch (name) {
            case "EPIPE" -> "Broken pipe";
            case "ETIMEDOUT" -> "Connection timed out";
            case "ECONNABORTED" -> "Software caused connection abort";
            case "ECONNREFUSED" -> "Connection refused";
            case "EHOSTUNREACH" -> "No route to host";
            case "EIO" -> "Input/output error";
            default -> "Connection reset by peer";
        };
    }
}
