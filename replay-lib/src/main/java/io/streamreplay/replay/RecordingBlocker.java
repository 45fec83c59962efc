package io.streamreplay.replay;

import io.streamreplay.poll.Blocker;
import io.streamreplay.poll.Clock;
import io.streamreplay.poll.Waits;
import java.io.IOException;

/**
 * The blocker of a recording process: the live one, with each loop iteration's end noted in the recording. Before
 * the loop blocks, an iteration that read the clock and recorded no event leaves a tick
 * ({@link Recording#endIteration}); the clock then takes new readings, so that the live blocker times its wait on the
 * machine's clock and the next iteration sees the time it wakes at. Loop thread only, except {@link #wakeup()}.
 */
final class RecordingBlocker implements Blocker {

    private final Blocker live;
    private final RecordingClock clock;
    private final Recording recording;

    RecordingBlocker(Blocker live, RecordingClock clock, Recording recording) {
        this.live = live;
        this.clock = clock;
        this.recording = recording;
    }

    @Override
    public Clock clock() {
        return clock;
    }

    @Override
    public String block(Waits waits) throws IOException {
        recording.endIteration();
        clock.nextIteration();
        String woke = live.block(waits);
        clock.nextIteration();
        return woke;
    }

    @Override
    public void wakeup() {
        live.wakeup();
    }

    @Override
    public void close() throws IOException {
        live.close();
    }
}
