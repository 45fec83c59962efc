package io.streamreplay.replay;

import io.streamreplay.stream.ForwardingPassiveStream;
import io.streamreplay.stream.PassiveStream;
import io.streamreplay.stream.Stream;
import java.io.IOException;

/**
 * Forwards to a live listener and records every accept: the accepted stream's name and peer, or the error. Each
 * accepted stream gets its own file, opened at the accept's sequence number, and is itself recorded. Closing it is
 * an output ({@link Recording#flushBeforeOutput()}). Loop thread only.
 */
final class RecordingPassiveStream extends ForwardingPassiveStream {

    private final Recording recording;
    private final RecordWriter writer;

    RecordingPassiveStream(PassiveStream live, Recording recording, RecordWriter writer) {
        super(live);
        this.recording = recording;
        this.writer = writer;
    }

    @Override
    public Stream accept() throws IOException {
        Stream stream;
        try {
            stream = super.accept();
        } catch (IOException e) {
            recording.record(writer, RecordType.ACCEPT_ERROR, Payloads.error(e));
            throw e;
        }
        if (stream == null) {
            return null;
        }
        // The accepted stream's file first: if it cannot be created (a bound, a write error), the recording ends
        // before the accept, and no accept is recorded without its stream's file.
        long seq = recording.allocate();
        RecordWriter accepted = recording.createFile(seq, stream.name(), stream.needsProbes());
        recording.write(writer, RecordType.ACCEPT_OK, seq, Payloads.accepted(stream.name(), stream.peer()));
        return new RecordingStream(stream, recording, accepted);
    }

    /** Peers see connections refused from now on: what led the process to stop listening is written out first. */
    @Override
    public void close() {
        recording.flushBeforeOutput();
        super.close();
        recording.closeFile(writer);
    }
}
