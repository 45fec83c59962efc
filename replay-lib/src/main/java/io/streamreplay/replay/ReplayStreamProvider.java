package io.streamreplay.replay;

import io.streamreplay.stream.PassiveStream;
import io.streamreplay.stream.Stream;
import io.streamreplay.stream.StreamProvider;
import java.io.IOException;

/**
 * Serves every open and listen from the recording; no socket is created and no transport (so no TLS key) is
 * touched. The name opened must be the one recorded at this point of the sequence, transport prefix included;
 * a listener reports the address it bound when recorded. Loop thread only.
 */
final class ReplayStreamProvider implements StreamProvider {

    private final Replay replay;

    ReplayStreamProvider(Replay replay) {
        this.replay = replay;
    }

    @Override
    public Stream open(String name) throws IOException {
        ReplayCursor cursor = replay.openNext(FileKind.STREAM, name);
        ReplayRecord outcome = cursor.dueNow();
        cursor.consume();
        if (outcome.type() == RecordType.OPEN_ERROR) {
            cursor.close();
            throw Payloads.errorOf(outcome.payload());
        }
        return new ReplayStream(name, "", cursor, replay);
    }

    @Override
    public PassiveStream listen(String name) throws IOException {
        ReplayCursor cursor = replay.openNext(FileKind.PASSIVE_STREAM, name);
        ReplayRecord outcome = cursor.dueNow();
        cursor.consume();
        if (outcome.type() == RecordType.LISTEN_ERROR) {
            cursor.close();
            throw Payloads.errorOf(outcome.payload());
        }
        return new ReplayPassiveStream(Payloads.text(outcome.payload()), cursor, replay);
    }
}
