package io.streamreplay.dbserver.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamreplay.dbserver.txn.Executor;
import io.streamreplay.jsonrpc.Message;
import io.streamreplay.poll.PollLoop;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The {@code transact} requests whose {@code wait} operation is not satisfied yet, Open vSwitch's triggers
 * ({@code ovsdb/trigger.c}): each runs again after the next commit to any database, or when its earliest
 * {@code wait} times out, until it finishes (is answered), is canceled, or its client goes away.
 *
 * <p>Loop thread only: {@link #submit} for each new request, then {@link #run} and {@link #waitAll} each iteration.
 */
final class ParkedTransactions {

    /** A {@code transact} request: who sent it, on which database, and when it arrived (loop time, ms). */
    static final class Trigger {
        final ClientSession client;
        final Message request;
        final ServedDatabase database;
        final long startMillis;
        long deadlineMillis = Long.MAX_VALUE;

        Trigger(ClientSession client, Message request, ServedDatabase database, long startMillis) {
            this.client = client;
            this.request = request;
            this.database = database;
            this.startMillis = startMillis;
        }
    }

    /** Runs a request: answers it and commits what it prepared, unless the outcome is parked. */
    @FunctionalInterface
    interface Attempt {
        /** Runs {@code trigger}, {@code elapsedMillis} (loop time) after it arrived. */
        Executor.Outcome run(Trigger trigger, long elapsedMillis);
    }

    private final PollLoop loop;
    private final Attempt attempt;
    private final List<Trigger> triggers = new ArrayList<>();
    private boolean committedSinceRun;

    /** @param attempt runs a request, when it arrives and each time it is due again */
    ParkedTransactions(PollLoop loop, Attempt attempt) {
        this.loop = loop;
        this.attempt = attempt;
    }

    /** Whether {@code client} has a request with id {@code id} parked. */
    boolean contains(ClientSession client, JsonNode id) {
        for (Trigger trigger : triggers) {
            if (trigger.client == client && trigger.request.id().equals(id)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Runs a new request on {@code database}, parking it if a {@code wait} is not satisfied yet. Its first run sees
     * no time elapsed, as in ovsdb-server ({@code ovsdb_trigger_init} tries it at the time it was created), so that a
     * failed {@code wait} with timeout 0 always says {@code "where" clause test failed}.
     */
    void submit(ClientSession client, Message request, ServedDatabase database) {
        long now = nowMillis();
        Trigger trigger = new Trigger(client, request, database, now);
        if (!finished(trigger, now)) {
            triggers.add(trigger);
        }
    }

    /** Notes a commit, after which every parked request runs again. */
    void committed() {
        committedSinceRun = true;
    }

    /** Drops {@code client}'s parked request {@code id}; returns whether there was one. */
    boolean cancel(ClientSession client, JsonNode id) {
        for (Iterator<Trigger> it = triggers.iterator(); it.hasNext();) {
            Trigger trigger = it.next();
            if (trigger.client == client && trigger.request.id().equals(id)) {
                it.remove();
                return true;
            }
        }
        return false;
    }

    /** Drops every request {@code client} has parked. */
    void forget(ClientSession client) {
        triggers.removeIf(trigger -> trigger.client == client);
    }

    /** Runs the parked requests again after a commit, or those whose timeout has passed. */
    void run() {
        if (triggers.isEmpty()) {
            committedSinceRun = false;
            return;
        }
        long now = nowMillis();
        boolean committed = committedSinceRun;
        committedSinceRun = false;
        for (Trigger trigger : new ArrayList<>(triggers)) {
            if ((committed || now >= trigger.deadlineMillis) && triggers.contains(trigger)
                    && finished(trigger, now)) {
                triggers.remove(trigger);
            }
        }
    }

    /** Registers the earliest deadline of a parked request, and an immediate wake-up after a commit. */
    void waitAll() {
        if (committedSinceRun && !triggers.isEmpty()) {
            loop.wakeImmediately("parked transactions after a commit");
        }
        long deadline = Long.MAX_VALUE;
        for (Trigger trigger : triggers) {
            deadline = Math.min(deadline, trigger.deadlineMillis);
        }
        if (deadline != Long.MAX_VALUE) {
            loop.waitMillis(Math.max(0, deadline - nowMillis()), "wait operation timeout");
        }
    }

    /**
     * Runs {@code trigger} at loop time {@code now} (one reading for the run, as ovsdb-server passes one
     * {@code now} to every trigger it tries); returns whether it finished, or else sets its deadline.
     */
    private boolean finished(Trigger trigger, long now) {
        Executor.Outcome outcome = attempt.run(trigger, now - trigger.startMillis);
        if (!outcome.parked()) {
            return true;
        }
        // Saturating: a timeout of nearly 2^63 ms must not overflow into a deadline in the past.
        trigger.deadlineMillis = outcome.retryMillis() >= Long.MAX_VALUE - now ? Long.MAX_VALUE
                : now + outcome.retryMillis();
        return false;
    }

    private long nowMillis() {
        return TimeUnit.NANOSECONDS.toMillis(loop.now());
    }
}
