package io.streamreplay.replay;

import io.streamreplay.poll.PollLoop;
import io.streamreplay.stream.PassiveStream;
import io.streamreplay.stream.Stream;
import java.io.IOException;

/**
 * A listener served from its replay file: it accepts exactly the recorded streams, under their recorded names,
 * when their accept events come up. Loop thread only.
 */
final class ReplayPassiveStream implements PassiveStream {

    private final String name;
    private final ReplayCursor cursor;
    private final Replay replay;

    ReplayPassiveStream(String name, ReplayCursor cursor, Replay replay) {
        this.name = name;
        this.cursor = cursor;
        this.replay = replay;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Stream accept() throws IOException {
        replay.failures().check();
        ReplayRecord due = cursor.due();
        if (due == null) {
            return null;
        }
        if (due.type() == RecordType.ACCEPT_ERROR) {
            cursor.consume();
            throw Payloads.errorOf(due.payload());
        }
        if (due.type() != RecordType.ACCEPT_OK || !replay.holdsAccepted(due.seq())) {
            return null;
        }
        Payloads.Accepted accepted = Payloads.accepted(due.payload());
        cursor.consume();
        return new ReplayStream(accepted.name(), accepted.peer(), replay.openAccepted(due.seq(), accepted.name()),
                replay);
    }

    @Override
    public void waitAccept(PollLoop loop, String where) {
        replay.waits().add("accept", cursor);
        ReplayRecord due = cursor.due();
        if (due != null && (due.type() == RecordType.ACCEPT_OK || due.type() == RecordType.ACCEPT_ERROR)) {
            loop.wakeImmediately(where);
        }
    }

    @Override
    public void close() {
        cursor.close();
    }
}
