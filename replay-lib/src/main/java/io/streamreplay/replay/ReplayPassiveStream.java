package io.streamreplay.replay;

import io.streamreplay.poll.PollLoop;
import io.streamreplay.stream.PassiveStream;
import io.streamreplay.stream.Stream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

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
        replay.checkFailure();
        Record due = cursor.due();
        if (due == null) {
            return null;
        }
        if (due.type() == RecordType.ACCEPT_ERROR) {
            cursor.consume();
            throw RecordedError.decode(due.payload());
        }
        if (due.type() != RecordType.ACCEPT_OK || !replay.holdsAccepted(due.seq())) {
            return null;
        }
        ByteBuffer payload = ByteBuffer.wrap(due.payload());
        int nameLength = payload.getShort() & 0xffff;
        String accepted = new String(due.payload(), 2, nameLength, StandardCharsets.UTF_8);
        String peer = new String(due.payload(), 2 + nameLength, due.payload().length - 2 - nameLength,
                StandardCharsets.UTF_8);
        cursor.consume();
        return new ReplayStream(accepted, peer, replay.openAccepted(due.seq(), accepted), replay);
    }

    @Override
    public void waitAccept(PollLoop loop, String where) {
        replay.waiting("accept", cursor);
        Record due = cursor.due();
        if (due != null && (due.type() == RecordType.ACCEPT_OK || due.type() == RecordType.ACCEPT_ERROR)) {
            loop.wakeImmediately(where);
        }
    }

    @Override
    public void close() {
        cursor.close();
    }
}
