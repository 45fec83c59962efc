package io.streamreplay.fault;

import io.streamreplay.poll.Clock;
import io.streamreplay.poll.PollLoop;
import io.streamreplay.stream.ForwardingStream;
import io.streamreplay.stream.Stream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One stream with the faults of a {@link StreamFaults} injected, as the application above it (and a recording
 * between the two) sees them.
 *
 * <p>An operation is a {@code recv} that brought bytes, or a {@code send} of bytes: calls that move nothing draw
 * nothing, so that how often the loop polls changes no decision. Each operation rolls every per-operation rule that
 * selects the stream, in order, once; a rule decided per stream ({@code bandwidth}, {@code limit-data},
 * {@code reset(after=N)}) rolls once, when the stream first meets it. Received bytes that are delayed, hung or
 * sliced wait in the stream, and the loop is woken at their time on its clock; a send that is delayed accepts
 * nothing until its time. Injected failures are sticky, as the {@link Stream} contract requires, and their messages
 * begin with the stream's name and say {@code injected}.
 *
 * <p>Loop thread only.
 */
final class FaultyStream extends ForwardingStream {

    private static final Logger log = LoggerFactory.getLogger(FaultyStream.class);
    private static final long FOREVER = Long.MAX_VALUE;

    private final StreamFaults faults;
    private final Clock clock;
    private final Supplier<SplittableRandom> derive;
    private SplittableRandom random;
    private final String listener;
    private final String boundListener;
    private FaultSpec cachedSpec;
    private List<FaultRule> selected = List.of();
    /** Per rule object (two rules may be equal): per-stream choices and bytes counted. */
    private final IdentityHashMap<FaultRule, Boolean> chosen = new IdentityHashMap<>();
    private final IdentityHashMap<FaultRule, Long> counted = new IdentityHashMap<>();
    private long operations;
    private IOException failure;
    private String limitClosed;
    private long hangUntil = Long.MIN_VALUE;
    private ByteBuffer held;
    private long heldUntil;
    private int heldPiece;
    private boolean sendDecided;
    private long sendHoldUntil = Long.MIN_VALUE;
    private int sendPiece;
    private final Bucket inBucket = new Bucket();
    private final Bucket outBucket = new Bucket();

    /**
     * @param listener the name of the listener the stream was accepted from, as given, or null if it was opened
     * @param boundListener that listener's name with its bound address, or null
     */
    FaultyStream(Stream stream, StreamFaults faults, Clock clock, Supplier<SplittableRandom> derive, String listener,
            String boundListener) {
        super(stream);
        this.faults = faults;
        this.clock = clock;
        this.derive = derive;
        this.listener = listener;
        this.boundListener = boundListener;
    }

    /** The stream's generator of decisions. */
    private SplittableRandom random() {
        if (random == null) {
            random = derive.get();
        }
        return random;
    }

    /** The rules in force that select this stream, blackouts left out. */
    private List<FaultRule> rules() {
        FaultSpec spec = faults.spec();
        if (spec != cachedSpec) {
            if (cachedSpec != null) {
                release();
            }
            cachedSpec = spec;
            List<FaultRule> rules = new ArrayList<>();
            for (FaultRule rule : spec.rules()) {
                if (rule.behaviour() != FaultBehaviour.BLACKOUT && (rule.selects(name()) || rule.selects(listener)
                        || rule.selects(boundListener))) {
                    rules.add(rule);
                }
            }
            selected = rules;
        }
        return selected;
    }

    /** Ends what is held for ever: a change of the faults in force ends every hang without an end. */
    private void release() {
        if (hangUntil == FOREVER || heldUntil == FOREVER || sendHoldUntil == FOREVER) {
            long now = clock.nanoTime();
            hangUntil = hangUntil == FOREVER ? now : hangUntil;
            heldUntil = heldUntil == FOREVER ? now : heldUntil;
            sendHoldUntil = sendHoldUntil == FOREVER ? now : sendHoldUntil;
        }
    }

    private boolean quiet(List<FaultRule> rules) {
        return rules.isEmpty() && held == null && hangUntil == Long.MIN_VALUE && !sendDecided;
    }

    @Override
    public boolean connect() throws IOException {
        if (failure != null) {
            throw failure;
        }
        return delegate().connect();
    }

    @Override
    public int recv(ByteBuffer dst) throws IOException {
        if (failure != null) {
            throw failure;
        }
        if (limitClosed != null) {
            return -1;
        }
        List<FaultRule> rules = rules();
        if (quiet(rules)) {
            return delegate().recv(dst);
        }
        long now = clock.nanoTime();
        if (now < hangUntil) {
            return 0;
        }
        if (held != null) {
            return now < heldUntil ? 0 : deliver(dst);
        }
        long budget = budget(rules, true);
        if (budget == 0) {
            trigger(rules, true);
            return -1;
        }
        long allowance = inBucket.allowance(rate(rules, true), now);
        if (allowance == 0 || !dst.hasRemaining()) {
            return 0;
        }
        int start = dst.position();
        ByteBuffer window = window(dst, Math.min(budget, allowance));
        int n = delegate().recv(window);
        if (n > 0 && window.position() != dst.position()) {
            dst.position(start + n);
        }
        if (n <= 0) {
            return n;
        }
        account(rules, true, n);
        Decision decision = decide(rules, true, now);
        if (decision.failure != null) {
            dst.position(start);
            throw fail(decision.failure, decision.reset);
        }
        for (int i = 0; i < decision.corruptBits; i++) {
            int at = start + random().nextInt(n);
            dst.put(at, (byte) (dst.get(at) ^ (1 << random().nextInt(8))));
        }
        if (decision.piece == 0 && decision.holdUntil <= now) {
            return n;
        }
        ByteBuffer copy = dst.duplicate();
        copy.position(start).limit(start + n);
        held = ByteBuffer.allocate(n).put(copy).flip();
        dst.position(start);
        heldUntil = decision.holdUntil;
        heldPiece = decision.piece;
        return now < heldUntil ? 0 : deliver(dst);
    }

    /** Hands on held bytes: all that fit, or one piece of a slice. */
    private int deliver(ByteBuffer dst) {
        int n = Math.min(dst.remaining(), held.remaining());
        if (heldPiece > 0) {
            n = Math.min(n, 1 + random().nextInt(heldPiece));
        }
        ByteBuffer part = held.duplicate();
        part.limit(part.position() + n);
        dst.put(part);
        held.position(held.position() + n);
        if (!held.hasRemaining()) {
            held = null;
            heldPiece = 0;
        }
        return n;
    }

    @Override
    public int send(ByteBuffer src) throws IOException {
        if (failure != null) {
            throw failure;
        }
        if (limitClosed != null) {
            failure = new SocketException(limitClosed);
            throw failure;
        }
        List<FaultRule> rules = rules();
        if (quiet(rules) || !src.hasRemaining()) {
            return delegate().send(src);
        }
        long now = clock.nanoTime();
        if (now < hangUntil) {
            return 0;
        }
        if (!sendDecided) {
            Decision decision = decide(rules, false, now);
            if (decision.failure != null) {
                throw fail(decision.failure, decision.reset);
            }
            sendDecided = true;
            sendPiece = decision.piece == 0 ? 0 : 1 + random().nextInt(decision.piece);
            sendHoldUntil = decision.holdUntil;
        }
        if (now < hangUntil || now < sendHoldUntil) {
            return 0;
        }
        long budget = budget(rules, false);
        if (budget == 0) {
            trigger(rules, false);
            throw failure;
        }
        long allowance = outBucket.allowance(rate(rules, false), now);
        if (allowance == 0) {
            return 0;
        }
        int start = src.position();
        ByteBuffer window = window(src, Math.min(Math.min(budget, allowance), sendPiece == 0 ? FOREVER : sendPiece));
        int n = delegate().send(window);
        if (n > 0 && window.position() != src.position()) {
            src.position(start + n);
        }
        if (n > 0) {
            account(rules, false, n);
            sendDecided = false;
            sendHoldUntil = Long.MIN_VALUE;
            sendPiece = 0;
        }
        return n;
    }

    /** {@code buffer}, or a view of at most {@code max} of its bytes. */
    private static ByteBuffer window(ByteBuffer buffer, long max) {
        if (buffer.remaining() <= max) {
            return buffer;
        }
        ByteBuffer view = buffer.duplicate();
        view.limit(view.position() + (int) max);
        return view;
    }

    @Override
    public boolean shutdownSend() throws IOException {
        if (failure != null) {
            throw failure;
        }
        return limitClosed != null || delegate().shutdownSend();
    }

    /** What the rules decided for one operation. */
    private static final class Decision {
        String failure;
        boolean reset;
        int corruptBits;
        int piece;
        long holdUntil = Long.MIN_VALUE;
    }

    private Decision decide(List<FaultRule> rules, boolean in, long now) {
        operations++;
        Decision decision = new Decision();
        for (FaultRule rule : rules) {
            FaultBehaviour behaviour = rule.behaviour();
            if (!rule.direction().covers(in) || behaviour.scope() != FaultBehaviour.Scope.OPERATION
                    || (behaviour == FaultBehaviour.RESET && rule.number("after", -1) >= 0)
                    || operations <= rule.warmup() || random().nextDouble() * 100 >= rule.percent()) {
                continue;
            }
            log.debug("{}: {} on {} operation {}", name(), rule, in ? "recv" : "send", operations);
            switch (behaviour) {
                case DELAY -> {
                    long jitter = rule.number("jitter", 0);
                    long ms = rule.number("ms", 0) + (jitter == 0 ? 0 : random().nextLong(-jitter, jitter + 1));
                    decision.holdUntil = Math.max(decision.holdUntil, now + ms * 1_000_000L);
                }
                case HANG -> {
                    long ms = rule.number("ms", -1);
                    hangUntil = ms < 0 ? FOREVER : Math.max(hangUntil, now + ms * 1_000_000L);
                    decision.holdUntil = Math.max(decision.holdUntil, hangUntil);
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

    private static long limit(FaultRule rule) {
        return rule.behaviour() == FaultBehaviour.LIMIT_DATA ? rule.number("bytes", 0) : rule.number("after", 0);
    }

    /** The bytes that may move before a byte limit is reached; {@link Long#MAX_VALUE} if none applies. */
    private long budget(List<FaultRule> rules, boolean in) {
        long budget = FOREVER;
        for (FaultRule rule : rules) {
            if (counts(rule, in)) {
                budget = Math.min(budget, Math.max(0, limit(rule) - counted.getOrDefault(rule, 0L)));
            }
        }
        return budget;
    }

    /** The bytes per second the stream may move in the direction given; 0 if unlimited. */
    private long rate(List<FaultRule> rules, boolean in) {
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

    private void account(List<FaultRule> rules, boolean in, int n) {
        for (FaultRule rule : rules) {
            if (counts(rule, in)) {
                counted.merge(rule, (long) n, Long::sum);
            }
        }
        (in ? inBucket : outBucket).take(n);
    }

    /** Acts on the byte limit that was reached: a reset (thrown) or a close (the stream ends). */
    private void trigger(List<FaultRule> rules, boolean in) throws IOException {
        for (FaultRule rule : rules) {
            if (counts(rule, in) && counted.getOrDefault(rule, 0L) >= limit(rule)) {
                log.debug("{}: {} after {} bytes", name(), rule, limit(rule));
                if (rule.behaviour() == FaultBehaviour.RESET) {
                    throw fail("Connection reset by peer (injected by " + rule + ")", true);
                }
                delegate().close();
                limitClosed = name() + ": Broken pipe (closed by " + rule + " after " + limit(rule) + " bytes)";
                if (!in) {
                    failure = new SocketException(limitClosed);
                }
                return;
            }
        }
    }

    private IOException fail(String message, boolean reset) {
        String text = name() + ": " + message;
        failure = switch (message.substring(0, message.indexOf(" ("))) {
            case "Connection refused" -> new ConnectException(text);
            case "No route to host" -> new NoRouteToHostException(text);
            case "Input/output error" -> new IOException(text);
            default -> new SocketException(text);
        };
        if (reset) {
            delegate().reset();
        } else {
            delegate().close();
        }
        return failure;
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

    @Override
    public void waitConnect(PollLoop loop, String where) {
        if (failure != null) {
            loop.wakeImmediately(where);
        } else {
            delegate().waitConnect(loop, where);
        }
    }

    @Override
    public void waitRecv(PollLoop loop, String where) {
        if (failure != null || limitClosed != null) {
            loop.wakeImmediately(where);
            return;
        }
        List<FaultRule> rules = rules();
        if (quiet(rules)) {
            delegate().waitRecv(loop, where);
            return;
        }
        long now = clock.nanoTime();
        if (now < hangUntil) {
            waitUntil(loop, where, hangUntil);
            return;
        }
        if (held != null) {
            waitUntil(loop, where, Math.max(now, heldUntil));
            return;
        }
        if (budget(rules, true) == 0) {
            loop.wakeImmediately(where);
            return;
        }
        long refill = inBucket.refilledAt(rate(rules, true), now);
        if (refill > now) {
            loop.waitUntil(refill, where);
            return;
        }
        delegate().waitRecv(loop, where);
    }

    @Override
    public void waitSend(PollLoop loop, String where) {
        if (failure != null || limitClosed != null) {
            loop.wakeImmediately(where);
            return;
        }
        List<FaultRule> rules = rules();
        if (quiet(rules)) {
            delegate().waitSend(loop, where);
            return;
        }
        long now = clock.nanoTime();
        long until = Math.max(hangUntil, sendHoldUntil);
        if (now < until) {
            waitUntil(loop, where, until);
            return;
        }
        if (budget(rules, false) == 0) {
            loop.wakeImmediately(where);
            return;
        }
        long refill = outBucket.refilledAt(rate(rules, false), now);
        if (refill > now) {
            loop.waitUntil(refill, where);
            return;
        }
        delegate().waitSend(loop, where);
    }

    /** Wakes {@code loop} at {@code until} on its clock (at once if that has come), never if it is for ever. */
    private static void waitUntil(PollLoop loop, String where, long until) {
        if (until != FOREVER) {
            loop.waitUntil(until, where);
        }
    }

    /**
     * A token bucket of one direction: {@code rate} bytes a second of loop time, holding at most a tenth of a
     * second's worth (at least one byte), full at the start.
     */
    private static final class Bucket {
        private boolean started;
        private double tokens;
        private long last;
        private long rate;

        /** The whole bytes that may move now; {@link Long#MAX_VALUE} if {@code rate} is 0 (unlimited). */
        long allowance(long newRate, long now) {
            if (newRate == 0) {
                return FOREVER;
            }
            refill(newRate, now);
            return (long) tokens;
        }

        /** When the loop should wake for the bucket to hold half its capacity, or {@code now} if it holds a byte. */
        long refilledAt(long newRate, long now) {
            if (newRate == 0) {
                return now;
            }
            refill(newRate, now);
            if (tokens >= 1) {
                return now;
            }
            double want = Math.max(1, capacity() / 2);
            return now + (long) Math.ceil((want - tokens) * 1e9 / rate);
        }

        void take(int n) {
            if (rate != 0) {
                tokens -= n;
            }
        }

        private double capacity() {
            return Math.max(1, rate / 10.0);
        }

        private void refill(long newRate, long now) {
            if (!started || newRate != rate) {
                started = true;
                rate = newRate;
                tokens = capacity();
                last = now;
                return;
            }
            tokens = Math.min(capacity(), tokens + (now - last) * (double) rate / 1e9);
            last = now;
        }
    }
}
