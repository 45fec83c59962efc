package io.streamreplay.poll;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Blocks on an NIO {@link Selector} with the system clock: the blocker of a live process.
 *
 * <p>Channels stay registered with the selector between iterations; only their interest set changes, so an
 * iteration costs no registration churn. A channel not waited for in an iteration has an empty interest set.
 * Loop thread only, except {@link #wakeup()}.
 */
public final class SelectorBlocker implements Blocker {

    private final Selector selector;
    private final Clock clock;

    /** Opens a selector; {@code clock} is normally {@link SystemClock#INSTANCE}. */
    public SelectorBlocker(Clock clock) throws IOException {
        this.selector = Selector.open();
        this.clock = clock;
    }

    @Override
    public Clock clock() {
        return clock;
    }

    @Override
    public String block(Waits waits) throws IOException {
        for (SelectionKey key : selector.keys()) {
            if (key.isValid() && !waits.channels().containsKey(key.channel())) {
                key.interestOps(0);
            }
        }
        for (Map.Entry<SelectableChannel, Waits.Interest> entry : waits.channels().entrySet()) {
            register(entry.getKey(), entry.getValue());
        }

        String immediate = waits.immediateWhere();
        if (immediate != null) {
            selector.selectNow();
            selector.selectedKeys().clear();
            return immediate;
        }
        long timeoutMillis = 0;
        if (waits.deadline() != Waits.NO_DEADLINE) {
            long remaining = waits.deadline() - clock.nanoTime();
            if (remaining <= 0) {
                selector.selectNow();
                selector.selectedKeys().clear();
                return waits.deadlineWhere();
            }
            // Round up: waking a little late is harmless, waking early means a wasted iteration.
            timeoutMillis = Math.max(1, TimeUnit.NANOSECONDS.toMillis(remaining + 999_999));
        }
        int ready = timeoutMillis == 0 ? selector.select() : selector.select(timeoutMillis);
        String woke = ready > 0 ? describe(selector.selectedKeys(), waits) : waits.deadlineWhere();
        selector.selectedKeys().clear();
        return woke;
    }

    private void register(SelectableChannel channel, Waits.Interest interest) throws IOException {
        SelectionKey key = channel.keyFor(selector);
        if (key != null && !key.isValid()) {
            // A cancelled key stays attached until the next selection; flush it before registering again.
            selector.selectNow();
            key = null;
        }
        if (key == null) {
            try {
                channel.register(selector, interest.ops());
            } catch (ClosedChannelException e) {
                // A closed channel is "ready": the owner's next operation reports the closure.
                selector.wakeup();
            }
        } else {
            key.interestOps(interest.ops());
        }
    }

    private static String describe(Set<SelectionKey> keys, Waits waits) {
        StringBuilder woke = new StringBuilder();
        for (SelectionKey key : keys) {
            Waits.Interest interest = waits.channels().get(key.channel());
            if (interest != null) {
                if (woke.length() > 0) {
                    woke.append(", ");
                }
                woke.append(interest.where());
            }
        }
        return woke.length() > 0 ? woke.toString() : "wakeup";
    }

    @Override
    public void wakeup() {
        selector.wakeup();
    }

    @Override
    public void close() throws IOException {
        selector.close();
    }
}
