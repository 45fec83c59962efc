package io.streamreplay.replay;

import io.streamreplay.stream.PassiveStream;
import io.streamreplay.stream.Stream;
import io.streamreplay.stream.StreamProvider;
import java.io.IOException;

/**
 * Opens streams through the live provider and records them: each open or listen gets a file whose first record is
 * the outcome (for a listener, the name with the address actually bound). Connecting and listening are seen by
 * peers, so the output commit rule applies to both ({@link Recording#flushBeforeOutput()}). Loop thread only.
 */
final class RecordingStreamProvider implements StreamProvider {

    private final StreamProvider live;
    private final Recording recording;

    RecordingStreamProvider(StreamProvider live, Recording recording) {
        this.live = live;
        this.recording = recording;
    }

    @Override
    public Stream open(String name) throws IOException {
        // Connecting is seen by the peer: what led the process to connect is written out first.
        recording.flushBeforeOutput();
        long seq = recording.allocate();
        Stream stream;
        try {
            stream = live.open(name);
        } catch (IOException e) {
            RecordWriter writer = recording.createFile(FileKind.STREAM, seq, name);
            recording.write(writer, RecordType.OPEN_ERROR, seq, Payloads.error(e));
            recording.closeFile(writer);
            throw e;
        }
        RecordWriter writer = recording.createFile(seq, name, stream.needsProbes());
        recording.write(writer, RecordType.OPEN_OK, seq, Payloads.empty());
        return new RecordingStream(stream, recording, writer);
    }

    @Override
    public PassiveStream listen(String name) throws IOException {
        // Peers can connect once it listens: what led the process to listen (a command, the time) is written first.
        recording.flushBeforeOutput();
        long seq = recording.allocate();
        RecordWriter writer = recording.createFile(FileKind.PASSIVE_STREAM, seq, name);
        try {
            PassiveStream listener = live.listen(name);
            recording.write(writer, RecordType.LISTEN_OK, seq,
                    Payloads.text(listener.name()));
            return new RecordingPassiveStream(listener, recording, writer);
        } catch (IOException e) {
            recording.write(writer, RecordType.LISTEN_ERROR, seq, Payloads.error(e));
            recording.closeFile(writer);
            throw e;
        }
    }
}
