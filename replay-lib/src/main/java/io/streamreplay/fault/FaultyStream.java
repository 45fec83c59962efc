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
 * begin with the stream's name and say {@code injected}. The rolls and byte counts are a {@link FaultRolls}, the
 * {@code bandwidth} limits a {@link TokenBucket} per direction; this class holds, delays and fails the bytes.
 *
 * <p>Loop thread only.
 */
final class FaultyStream extends ForwardingStream {

    private static final Logger log = LoggerFactory.getLogger(FaultyStream.class);
    private static final long FOREVER = Long.MAX_VALUE;

    private final StreamFaults faults;
    private final Clock clock;
    private final FaultRolls rolls;
    private final String listener;
    private final String boundListener;
    private FaultSpec cachedSpec;
    private List<FaultRule> selected = List.of();
    private IOException failure;
    private String limitClosed;
    private long hangUntil = Long.MIN_VALUE;
    private ByteBuffer held;
    private long heldUntil;
    private int heldPiece;
    private boolean sendDecided;
    private long sendHoldUntil = Long.MIN_VALUE;
    private int sendPiece;
    private final TokenBucket inBucket = new TokenBucket();
    private final TokenBucket outBucket = new TokenBucket();

    /**
     * @param listener the name of the listener the stream was accepted from, as given, or null if it was opened
     * @param boundListener that listener's name with its bound address, or null
     */
    FaultyStream(Stream stream, StreamFaults faults, Clock clock, Supplier<SplittableRandom> derive, String listener,
            String boundListener) {
        super(stream);
        this.faults = faults;
        this.clock = clock;
        this.rolls = new FaultRolls(derive);
        this.listener = listener;
        this.boundListener = boundListener;
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
        long budget = rolls.budget(rules, true);
        if (budget == 0) {
            trigger(rules, true);
            return -1;
        }
        long allowance = inBucket.allowance(rolls.rate(rules, true), now);
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
        FaultRolls.Decision decision = rolls.decide(name(), rules, true, now, hangUntil);
        hangUntil = decision.hangUntil;
        if (decision.failure != null) {
            dst.position(start);
            throw fail(decision.failure, decision.reset);
        }
        for (int i = 0; i < decision.corruptBits; i++) {
            int at = start + rolls.random().nextInt(n);
            dst.put(at, (byte) (dst.get(at) ^ (1 << rolls.random().nextInt(8))));
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
            n = Math.min(n, 1 + rolls.random().nextInt(heldPiece));
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
            FaultRolls.Decision decision = rolls.decide(name(), rules, false, now, hangUntil);
            hangUntil = decision.hangUntil;
            if (decision.failure != null) {
                throw fail(decision.failure, decision.reset);
            }
            sendDecided = true;
            sendPiece = decision.piece == 0 ? 0 : 1 + rolls.random().nextInt(decision.piece);
            sendHoldUntil = decision.holdUntil;
        }
        if (now < hangUntil || now < sendHoldUntil) {
            return 0;
        }
        long budget = rolls.budget(rules, false);
        if (budget == 0) {
            trigger(rules, false);
            throw failure;
        }
        long allowance = outBucket.allowance(rolls.rate(rules, false), now);
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

    private void account(List<FaultRule> rules, boolean in, int n) {
        rolls.account(rules, in, n);
        (in ? inBucket : outBucket).take(n);
    }

    /** Acts on the byte limit that was reached: a reset (thrown) or a close (the stream ends). */
    private void trigger(List<FaultRule> rules, boolean in) throws IOException {
        FaultRule rule = rolls.limitReached(rules, in);
        if (rule == null) {
            return;
        }
        long limit = FaultRolls.limit(rule);
        log.debug("{}: {} after {} bytes", name(), rule, limit);
        if (rule.behaviour() == FaultBehaviour.RESET) {
            throw fail("Connection reset by peer (injected by " + rule + ")", true);
        }
        delegate().close();
        limitClosed = name() + ": Broken pipe (closed by " + rule + " after " + limit + " bytes)";
        if (!in) {
            failure = new SocketException(limitClosed);
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
        if (rolls.budget(rules, true) == 0) {
            loop.wakeImmediately(where);
            return;
        }
        long refill = inBucket.refilledAt(rolls.rate(rules, true), now);
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
        if (rolls.budget(rules, false) == 0) {
            loop.wakeImmediately(where);
            return;
        }
        long refill = outBucket.refilledAt(rolls.rate(rules, false), now);
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
}
