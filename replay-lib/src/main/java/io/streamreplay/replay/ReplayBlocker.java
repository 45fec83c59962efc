package io.streamreplay.replay;

import io.streamreplay.poll.Blocker;
import io.streamreplay.poll.Clock;
import io.streamreplay.poll.SystemClock;
import io.streamreplay.poll.Waits;
import java.util.concurrent.locks.LockSupport;

/**
 * How a replaying loop "blocks": it never waits for the world, and it never reads the real clock to decide
 * anything.
 *
 * <p>In a recording that records time (format 2), each time the application blocks, the replay enters the next
 * recorded loop iteration if the next event starts one: the clock shows the time that iteration saw, and the
 * application wakes to do what it did then; a timer therefore fires exactly where it fired when recording, and
 * never elsewhere, however long a debugger holds the process. An immediate wake-up returns at once, within the
 * iteration. In a recording of format 1, a timer fires when the application waits only for it and its deadline
 * comes before the next event, recorded time jumping to it.
 *
 * <p>Otherwise the replay ends: with {@link RecordingExhaustedException} when no event is left, with
 * {@link ReplayDivergenceException} (naming what the application waited for and what the recording holds next) when
 * one is left. A replay therefore never hangs, unless asked to: at its stop point ({@code --replay-stop-at}) the loop
 * stays idle for good, for a debugger. With a {@link ReplayPace}, it sleeps before each iteration until the recorded
 * time, divided by the pace's factor, has passed; that is the only real time it reads. Loop thread only.
 */
final class ReplayBlocker implements Blocker {

    private final Replay replay;
    private final ReplayPace pace;
    private final Clock realClock = SystemClock.INSTANCE;
    /** The real time at which the last paced iteration was entered, and its recorded time; -1 before the first. */
    private long pacedReal = -1;
    private long pacedRecorded;

    ReplayBlocker(Replay replay, ReplayPace pace) {
        this.replay = replay;
        this.pace = pace;
    }

    @Override
    public Clock clock() {
        return replay.clock();
    }

    @Override
    public String block(Waits waits) {
        try {
            replay.failures().check();
            return replay.recordsTime() ? blockOnRecordedTime(waits) : blockInferringTimers(waits);
        } finally {
            replay.waits().clear();
        }
    }

    private String blockOnRecordedTime(Waits waits) {
        String immediate = waits.immediateWhere();
        boolean iteration = replay.nextStartsIteration();
        if (immediate != null && !iteration) {
            return immediate;
        }
        long nextEvent = replay.nextEventTime();
        if (nextEvent < 0) {
            if (immediate != null) {
                return immediate;
            }
            throw replay.failures().exhausted();
        }
        if (replay.nextIsBeyondStop()) {
            replay.idle();
            return "replay resumed by a debugger";
        }
        if (!iteration) {
            throw replay.stalled();
        }
        long seq = replay.next();
        sleepUntil(nextEvent);
        replay.enterIteration();
        return immediate != null ? immediate : "the recorded loop iteration of event #" + seq;
    }

    private String blockInferringTimers(Waits waits) {
        String immediate = waits.immediateWhere();
        if (immediate != null) {
            return immediate;
        }
        long deadline = waits.deadline();
        if (deadline != Waits.NO_DEADLINE && deadline <= replay.clock().nanoTime()) {
            return waits.deadlineWhere();
        }
        long nextEvent = replay.nextEventTime();
        if (nextEvent < 0) {
            throw replay.failures().exhausted();
        }
        if (replay.nextIsBeyondStop()) {
            replay.idle();
            return "replay resumed by a debugger";
        }
        if (deadline != Waits.NO_DEADLINE && deadline <= nextEvent) {
            replay.clock().advanceTo(deadline);
            return waits.deadlineWhere();
        }
        throw replay.stalled();
    }

    /** With a pace, sleeps until the iteration recorded at {@code recorded} is due in real time. */
    private void sleepUntil(long recorded) {
        if (!pace.paced()) {
            return;
        }
        long now = realClock.nanoTime();
        if (pacedReal < 0) {
            // Paced from what the process did before it first blocked (its start-up), so that the gap before the
            // first iteration (a server waiting for its first client) is kept too.
            pacedReal = now;
            pacedRecorded = Math.min(recorded, replay.clock().nanoTime());
        }
        long due = pacedReal + pace.realNanos(recorded - pacedRecorded);
        pacedReal = due;
        pacedRecorded = recorded;
        while (now < due) {
            LockSupport.parkNanos(due - now);
            now = realClock.nanoTime();
        }
    }

    @Override
    public void wakeup() {
        // Nothing sleeps but pacing, which ends by itself.
    }

    @Override
    public void close() {
    }
}
