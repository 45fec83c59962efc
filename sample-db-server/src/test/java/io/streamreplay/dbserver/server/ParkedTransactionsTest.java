package io.streamreplay.dbserver.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.LongNode;
import io.streamreplay.dbserver.txn.Executor;
import io.streamreplay.jsonrpc.Json;
import io.streamreplay.jsonrpc.Message;
import io.streamreplay.poll.Blocker;
import io.streamreplay.poll.Clock;
import io.streamreplay.poll.PollLoop;
import io.streamreplay.poll.Waits;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * When parked {@code transact} requests run again, and how much time each run is told has passed, on a clock that
 * moves a millisecond at every reading of the blocker (the loop reads it once per iteration, so each loop iteration
 * is at least a millisecond later than the one before, as on a loaded machine).
 */
class ParkedTransactionsTest {

    /** Loop time that moves one millisecond each time it is read; blocking jumps to the earliest deadline. */
    private static final class TickingBlocker implements Blocker, Clock {
        long nanos;

        @Override
        public Clock clock() {
            return this;
        }

        @Override
        public long nanoTime() {
            nanos += TimeUnit.MILLISECONDS.toNanos(1);
            return nanos;
        }

        @Override
        public long wallMillis() {
            return TimeUnit.NANOSECONDS.toMillis(nanos);
        }

        @Override
        public String block(Waits waits) {
            if (waits.immediateWhere() != null) {
                return waits.immediateWhere();
            }
            nanos = Math.max(nanos, waits.deadline());
            return waits.deadlineWhere();
        }

        @Override
        public void wakeup() {
        }

        @Override
        public void close() {
        }
    }

    private static final Executor.Outcome FINISHED = new Executor.Outcome(Json.array(), null, 0);

    private final PollLoop loop = new PollLoop(new TickingBlocker());
    private final ClientSession client = new ClientSession(null);
    /** What each run was told had elapsed, in milliseconds. */
    private final List<Long> runs = new ArrayList<>();
    /** The timeout of every request's {@code wait}, whose condition never holds; 0 finishes at once. */
    private long timeoutMillis;
    private final ParkedTransactions parked = new ParkedTransactions(loop, (trigger, elapsedMillis) -> {
        runs.add(elapsedMillis);
        // As Executor does for an unsatisfied wait: finished (timed out) once the timeout has passed.
        return elapsedMillis >= timeoutMillis ? FINISHED
                : new Executor.Outcome(null, null, timeoutMillis - elapsedMillis);
    });

    private static Message transact(long id) {
        return Message.request("transact", Json.array("db"), LongNode.valueOf(id));
    }

    @Test
    void aNewRequestRunsFirstWithNoTimeElapsed() {
        parked.submit(client, transact(1), null);
        assertEquals(List.of(0L), runs, "a failed wait with timeout 0 must say its where clause failed");
        assertFalse(parked.contains(client, LongNode.valueOf(1)));
    }

    @Test
    void aParkedRequestRunsAgainAfterACommitAndAtItsDeadline() {
        timeoutMillis = 100;
        parked.submit(client, transact(1), null);
        assertTrue(parked.contains(client, LongNode.valueOf(1)));
        parked.run();
        assertEquals(1, runs.size(), "no commit and no deadline passed: not run again");
        loop.wakeImmediately("next iteration");
        loop.block();
        parked.committed();
        parked.run();
        assertEquals(2, runs.size(), "run again after a commit");
        assertTrue(runs.get(1) > 0 && runs.get(1) < 100, runs.toString());
        parked.waitAll();
        loop.block();
        parked.run();
        assertEquals(3, runs.size(), "run again once its timeout has passed");
        assertTrue(runs.get(2) >= 100, runs.toString());
        assertFalse(parked.contains(client, LongNode.valueOf(1)));
    }

    @Test
    void aCanceledOrForgottenRequestIsNotRunAgain() {
        timeoutMillis = Long.MAX_VALUE;
        parked.submit(client, transact(1), null);
        parked.submit(client, transact(2), null);
        ClientSession other = new ClientSession(null);
        parked.submit(other, transact(1), null);
        assertTrue(parked.cancel(client, LongNode.valueOf(1)));
        assertFalse(parked.cancel(client, LongNode.valueOf(1)), "already gone");
        parked.forget(other);
        assertFalse(parked.contains(other, LongNode.valueOf(1)));
        parked.committed();
        parked.run();
        assertEquals(4, runs.size(), "only the client's request 2 ran again");
        assertTrue(parked.contains(client, LongNode.valueOf(2)));
    }
}
