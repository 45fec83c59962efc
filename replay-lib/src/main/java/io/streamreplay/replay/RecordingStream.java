package io.streamreplay.replay;

import io.streamreplay.poll.PollLoop;
import io.streamreplay.stream.Stream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

/**
 * Forwards every call to a live stream and records each result that a replay must reproduce: the connection's
 * outcome, every read (bytes, EOF or error), every send (the count accepted and a CRC-32C of those bytes), the
 * shutdown of the sending side. Calls that transfer nothing are not recorded; the first error and the first EOF
 * are, since both are sticky. An EOF ends only the receiving direction: sends after it, and their errors, are
 * still recorded (a half-closed peer may still read).
 *
 * <p>The connection's outcome is recorded before anything else of the stream, even when the application reads or
 * sends without calling {@link #connect()} first (a TLS handshake that completes inside a {@code recv}): a replay then
 * learns the peer when the recorded run did.
 *
 * <p>It reports {@link #needsProbes()} false: a recorded run must not depend on time. Loop thread only.
 */
final class RecordingStream implements Stream {

    private final Stream live;
    private final Recording recording;
    private final RecordWriter writer;
    private final CRC32C crc = new CRC32C();
    private boolean connectRecorded;
    /** Whether the stream's sticky failure (connecting, receiving or sending) was recorded. */
    private boolean failureRecorded;
    private boolean eofRecorded;
    private boolean shutdownRecorded;

    RecordingStream(Stream live, Recording recording, RecordWriter writer) {
        this.live = live;
        this.recording = recording;
        this.writer = writer;
    }

    @Override
    public String name() {
        return live.name();
    }

    @Override
    public String peer() {
        return live.peer();
    }

    @Override
    public boolean connect() throws IOException {
        try {
            boolean connected = live.connect();
            if (connected && !connectRecorded) {
                connectRecorded = true;
                recording.record(writer, RecordType.CONNECT_OK,
                        ByteBuffer.wrap(live.peer().getBytes(StandardCharsets.UTF_8)));
            }
            return connected;
        } catch (IOException e) {
            if (!connectRecorded) {
                connectRecorded = true;
                failureRecorded = true;
                recording.record(writer, RecordType.CONNECT_ERROR, RecordedError.encode(e));
            }
            throw e;
        }
    }

    @Override
    public int recv(ByteBuffer dst) throws IOException {
        if (!connectRecorded && !connect()) {
            return 0;
        }
        int start = dst.position();
        int n;
        try {
            n = live.recv(dst);
        } catch (IOException e) {
            recordFailure(RecordType.RECV_ERROR, e);
            throw e;
        }
        if (n > 0) {
            ByteBuffer received = dst.duplicate();
            received.position(start).limit(start + n);
            recording.record(writer, RecordType.RECV_DATA, received);
        } else if (n < 0 && !eofRecorded && !failureRecorded) {
            eofRecorded = true;
            recording.record(writer, RecordType.RECV_EOF, ByteBuffer.allocate(0));
        }
        return n;
    }

    @Override
    public int send(ByteBuffer src) throws IOException {
        if (!connectRecorded && !connect()) {
            return 0;
        }
        int start = src.position();
        int n;
        try {
            n = live.send(src);
        } catch (IOException e) {
            recordFailure(RecordType.SEND_ERROR, e);
            throw e;
        }
        if (n > 0) {
            ByteBuffer sent = src.duplicate();
            sent.position(start).limit(start + n);
            crc.reset();
            crc.update(sent);
            recording.record(writer, RecordType.SEND_OK, ByteBuffer.allocate(8).putInt(n)
                    .putInt((int) crc.getValue()).flip());
        }
        return n;
    }

    /** Recorded as {@code SEND_SHUTDOWN} once done, or as {@code SEND_ERROR} if it fails. */
    @Override
    public boolean shutdownSend() throws IOException {
        if (!connectRecorded && !connect()) {
            return false;
        }
        boolean done;
        try {
            done = live.shutdownSend();
        } catch (IOException e) {
            recordFailure(RecordType.SEND_ERROR, e);
            throw e;
        }
        if (done && !shutdownRecorded) {
            shutdownRecorded = true;
            recording.record(writer, RecordType.SEND_SHUTDOWN, ByteBuffer.allocate(0));
        }
        return done;
    }

    private void recordFailure(RecordType type, IOException e) {
        if (!failureRecorded) {
            failureRecorded = true;
            recording.record(writer, type, RecordedError.encode(e));
        }
    }

    @Override
    public void waitConnect(PollLoop loop, String where) {
        live.waitConnect(loop, where);
    }

    @Override
    public void waitRecv(PollLoop loop, String where) {
        live.waitRecv(loop, where);
    }

    @Override
    public void waitSend(PollLoop loop, String where) {
        live.waitSend(loop, where);
    }

    @Override
    public boolean needsProbes() {
        return false;
    }

    @Override
    public void close() {
        live.close();
        recording.closeFile(writer);
    }

    /** Not recorded, as {@link #close()} is not: it brings nothing into the process. */
    @Override
    public void reset() {
        live.reset();
        recording.closeFile(writer);
    }
}
