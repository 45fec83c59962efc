package io.streamreplay.poll;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-threaded poll loop in the style of Open vSwitch's {@code poll-loop}.
 *
 * <p>An iteration is: run every piece of work, register what each piece waits for ({@link #waitChannel},
 * {@link #waitUntil}, {@link #wakeImmediately}), then call {@link #block()}. A registration lasts for one
 * {@code block()} only; whatever still needs waiting is registered again in the next iteration. Every wait carries
 * a {@code where} label so that a debug log says who woke the loop. Output that the work produced may be held back
 * and written once per iteration, just before the loop blocks ({@link #writeBeforeBlock}).
 *
 * <p>All time is read through {@link #clock()}. How the loop actually blocks is decided by its {@link Blocker}:
 * a selector in a live process, recorded time in a replay.
 *
 * <p>Threading: every method is for the loop thread only, except {@link #wakeup()}, which any thread may call.
 */
public final class PollLoop implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(PollLoop.class);

    private final Blocker blocker;
    private final IterationClock clock;
    private final Waits waits = new Waits();
    private final List<Runnable> beforeBlock = new ArrayList<>();
    /** Output held back during this iteration, written when the loop is about to block. */
    private final List<Runnable> heldOutput = new ArrayList<>();
    private final boolean holdsOutput;
    private long iterations;

    /** A live loop on a selector and the system clock. */
    public static PollLoop live() {
        try {
            return new PollLoop(new SelectorBlocker(SystemClock.INSTANCE));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open a selector", e);
        }
    }

    /** A loop that blocks with {@code blocker} and holds output back per iteration. */
    public PollLoop(Blocker blocker) {
        this(blocker, true);
    }

    /**
     * A loop that blocks with {@code blocker}, holding output back per iteration or not ({@link #holdsOutput()}). A
     * replay of a recording made by a build that wrote each message at once does not, so that the process sends in
     * the recorded order.
     */
    public PollLoop(Blocker blocker, boolean holdsOutput) {
        this.blocker = Objects.requireNonNull(blocker, "blocker");
        this.clock = new IterationClock(blocker.clock());
        this.holdsOutput = holdsOutput;
    }

    /**
     * The clock every user of this loop reads time from: the blocker's clock, read once per iteration, so that all
     * code of an iteration sees one instant (as Open vSwitch's cached time). It moves when the loop blocks.
     */
    public Clock clock() {
        return clock;
    }

    /** Shorthand for {@code clock().nanoTime()}. */
    public long now() {
        return clock.nanoTime();
    }

    /**
     * Wakes the next {@link #block()} when {@code channel} is ready for any of {@code ops}
     * ({@link SelectionKey#OP_READ}, {@code OP_WRITE}, {@code OP_CONNECT}, {@code OP_ACCEPT}).
     */
    public void waitChannel(SelectableChannel channel, int ops, String where) {
        waits.addChannel(channel, ops, where);
    }

    /** Wakes the next {@link #block()} no later than {@code nanoTime} on this loop's clock. */
    public void waitUntil(long nanoTime, String where) {
        waits.addDeadline(nanoTime, where);
    }

    /** Wakes the next {@link #block()} after {@code millis} milliseconds from now. */
    public void waitMillis(long millis, String where) {
        waits.addDeadline(deadlineAfterMillis(millis), where);
    }

    /**
     * The time on this loop's clock {@code millis} milliseconds from now (a negative {@code millis} counts as 0), in
     * nanoseconds. It saturates at {@link Long#MAX_VALUE} instead of overflowing, so that however large a timeout a
     * peer asks for, its deadline lies in the future, never in the past.
     */
    public long deadlineAfterMillis(long millis) {
        long now = now();
        long delay = TimeUnit.MILLISECONDS.toNanos(Math.max(0, millis));
        return delay > Long.MAX_VALUE - now ? Long.MAX_VALUE : now + delay;
    }

    /** Makes the next {@link #block()} return at once. */
    public void wakeImmediately(String where) {
        waits.addImmediate(where);
    }

    /**
     * Makes the next {@link #block()} return at once if {@code ready} holds when the loop is about to block: for
     * readiness that no channel signals, such as an in-memory stream whose peer runs on this same loop and may make
     * it ready later in the iteration. {@code ready} is called on the loop thread, once per {@code block()}; a
     * condition that another thread makes true must also call {@link #wakeup()}.
     */
    public void waitReady(BooleanSupplier ready, String where) {
        waits.addReady(ready, where);
    }

    /**
     * Runs {@code hook} every time the loop is about to block, before it blocks. Recording uses this to flush its
     * buffers once per iteration rather than once per event.
     */
    public void beforeBlock(Runnable hook) {
        beforeBlock.add(hook);
    }

    /**
     * Whether output produced during an iteration is held back and written once, when the loop is about to block
     * ({@link #writeBeforeBlock}), rather than at once (as chosen when the loop was made).
     */
    public boolean holdsOutput() {
        return holdsOutput;
    }

    /**
     * Runs {@code write} once, the next time the loop is about to block: after the work of the iteration, before the
     * {@link #beforeBlock} hooks (so that a recording writes out, in the same pass, the sends it records), and before
     * the waits are handed to the blocker (so that {@code write} may still register what it waits for). The caller
     * registers a pending write once, not once per message.
     */
    public void writeBeforeBlock(Runnable write) {
        heldOutput.add(write);
    }

    /**
     * Blocks until one of the waits registered since the last call is satisfied, then forgets them all.
     *
     * <p>With no wait registered at all a live loop blocks until {@link #wakeup()}; a replay treats that as the end
     * of its recording. Exceptions from the blocker propagate (a replay reports its end or a divergence that way).
     */
    public void block() {
        writeHeldOutput();
        for (Runnable hook : beforeBlock) {
            hook.run();
        }
        try {
            String woke = blocker.block(waits);
            clock.nextIteration();
            iterations++;
            if (log.isDebugEnabled()) {
                log.debug("poll loop iteration {} woken by {}", iterations, woke);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("poll loop failed to block", e);
        } finally {
            waits.clear();
        }
    }

    /** How many times {@link #block()} has returned. */
    public long iterations() {
        return iterations;
    }

    /** Makes a concurrent or the next {@link #block()} return soon. Safe from any thread. */
    public void wakeup() {
        blocker.wakeup();
    }

    /**
     * Runs the writes held back in this iteration, in the order they were registered; if one throws, those not run
     * yet stay registered for the next time.
     */
    private void writeHeldOutput() {
        int done = 0;
        try {
            while (done < heldOutput.size()) {
                heldOutput.get(done++).run();
            }
        } finally {
            heldOutput.subList(0, done).clear();
        }
    }

    @Override
    public void close() {
        writeHeldOutput();
        for (Runnable hook : beforeBlock) {
            hook.run();
        }
        try {
            blocker.close();
        } catch (IOException e) {
            log.warn("closing the poll loop's blocker failed", e);
        }
    }
}
