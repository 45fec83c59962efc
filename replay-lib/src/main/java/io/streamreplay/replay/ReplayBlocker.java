package io.streamreplay.replay;

import io.streamreplay.poll.Blocker;
import io.streamreplay.poll.Clock;
import io.streamreplay.poll.Waits;

/**
 * How a replaying loop "blocks": it never sleeps. If something is ready it returns at once; if the application
 * waits only for a timer that would have expired before the next recorded event, recorded time jumps to it;
 * otherwise the replay ends, with {@link RecordingExhaustedException} when no event is left and with
 * {@link ReplayDivergenceException} (naming what the application waited for and what the recording holds next)
 * when one is left. A replay therefore never hangs, unless asked to: at its stop point
 * ({@code --replay-stop-at}) the loop stays idle for good, for a debugger. Loop thread only.
 */
final class ReplayBlocker implements Blocker {

    private final Replay replay;

    ReplayBlocker(Replay replay) {
        this.replay = replay;
    }

    @Override
    public Clock clock() {
        return replay.clock();
    }

    @Override
    public String block(Waits waits) {
        try {
            replay.failures().check();
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
        } finally {
            replay.clearWaiting();
        }
    }

    @Override
    public void wakeup() {
        // Nothing sleeps, so there is nothing to interrupt.
    }

    @Override
    public void close() {
    }
}
