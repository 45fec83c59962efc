package io.streamreplay.poll;

import java.nio.channels.SelectableChannel;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * What the application registered to wait for during one loop iteration.
 *
 * <p>A {@link PollLoop} fills it between two calls to {@link PollLoop#block()} and hands it to its
 * {@link Blocker}, which blocks until one of the waits is satisfied. Loop thread only.
 */
public final class Waits {

    /** No deadline registered. */
    public static final long NO_DEADLINE = Long.MAX_VALUE;

    private final IdentityHashMap<SelectableChannel, Interest> channels = new IdentityHashMap<>();
    private long deadline = NO_DEADLINE;
    private String deadlineWhere;
    private String immediateWhere;
    private final List<BooleanSupplier> ready = new ArrayList<>();
    private final List<String> readyWhere = new ArrayList<>();

    /** A channel and the operations (as {@link java.nio.channels.SelectionKey} bits) waited for on it. */
    public static final class Interest {
        private int ops;
        private String where;

        /** The {@code SelectionKey.OP_*} bits waited for. */
        public int ops() {
            return ops;
        }

        /** The label of the most recent wait registered on this channel. */
        public String where() {
            return where;
        }
    }

    void addChannel(SelectableChannel channel, int ops, String where) {
        Interest interest = channels.computeIfAbsent(channel, c -> new Interest());
        interest.ops |= ops;
        interest.where = where;
    }

    void addDeadline(long nanoTime, String where) {
        if (nanoTime < deadline) {
            deadline = nanoTime;
            deadlineWhere = where;
        }
    }

    void addImmediate(String where) {
        if (immediateWhere == null) {
            immediateWhere = where;
        }
    }

    void addReady(BooleanSupplier condition, String where) {
        ready.add(condition);
        readyWhere.add(where);
    }

    void clear() {
        channels.clear();
        deadline = NO_DEADLINE;
        deadlineWhere = null;
        immediateWhere = null;
        ready.clear();
        readyWhere.clear();
    }

    /** The channels waited for, with their interests; the map must not be modified. */
    public Map<SelectableChannel, Interest> channels() {
        return channels;
    }

    /** The earliest deadline on the loop's clock, or {@link #NO_DEADLINE}. */
    public long deadline() {
        return deadline;
    }

    /** The label of the earliest deadline, or null. */
    public String deadlineWhere() {
        return deadlineWhere;
    }

    /**
     * Whether something asked for the loop not to block at all: an immediate wake-up, or a
     * {@linkplain PollLoop#waitReady readiness condition} that holds now (the conditions are evaluated by this call).
     */
    public boolean immediate() {
        return immediateWhere() != null;
    }

    /** The label of the first immediate wake-up requested or readiness condition that holds now, or null. */
    public String immediateWhere() {
        if (immediateWhere != null) {
            return immediateWhere;
        }
        for (int i = 0; i < ready.size(); i++) {
            if (ready.get(i).getAsBoolean()) {
                return readyWhere.get(i);
            }
        }
        return null;
    }
}
