package io.streamreplay.replay;

import io.streamreplay.stream.ForwardingStream;
import io.streamreplay.stream.Stream;
import java.io.IOException;
import java.nio.ByteBuffer;
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
 * <p>Before anything the peer would notice (a send, a shutdown of the sending side, a close), the inputs recorded so
 * far are written out ({@link Recording#flushBeforeOutput()}), so that a peer never sees what the process did on
 * inputs a {@code kill -9} would take from its recording.
 *
 * <p>Whether the transport wants inactivity probes is noted in the stream's file, so that a replay decides as the
 * recorded run did. Loop thread only.
 */
final class RecordingStream extends ForwardingStream {

    private final Recording recording;
    private final RecordWriter writer;
    private final CRC32C crc = new CRC32C();
    private boolean connectRecorded;
    /** Whether the stream's sticky failure (connecting, receiving or sending) was recorded. */
    private boolean failureRecorded;
    private boolean eofRecorded;
    private boolean shutdownRecorded;

    RecordingStream(Stream live, Recording recording, RecordWriter writer) {
        super(live);
        this.recording = recording;
        this.writer = writer;
    }

    @Override
    public boolean connect() throws IOException {
        try {
            boolean connected = delegate().connect();
            if (connected && !connectRecorded) {
                connectRecorded = true;
                recording.record(writer, RecordType.CONNECT_OK,
                        Payloads.text(delegate().peer()));
            }
            return connected;
        } catch (IOException e) {
            if (!connectRecorded) {
                connectRecorded = true;
                failureRecorded = true;
                recording.record(writer, RecordType.CONNECT_ERROR, Payloads.error(e));
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
            n = delegate().recv(dst);
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
            recording.record(writer, RecordType.RECV_EOF, Payloads.empty());
        }
        return n;
    }

    @Override
    public int send(ByteBuffer src) throws IOException {
        if (!connectRecorded && !connect()) {
            return 0;
        }
        int start = src.position();
        recording.flushBeforeOutput();
        int n;
        try {
            n = delegate().send(src);
        } catch (IOException e) {
            recordFailure(RecordType.SEND_ERROR, e);
            throw e;
        }
        if (n > 0) {
            ByteBuffer sent = src.duplicate();
            sent.position(start).limit(start + n);
            crc.reset();
            crc.update(sent);
            recording.record(writer, RecordType.SEND_OK, Payloads.sendOk(n, (int) crc.getValue()));
        }
        return n;
    }

    /** Recorded as {@code SEND_SHUTDOWN} once done, or as {@code SEND_ERROR} if it fails. */
    @Override
    public boolean shutdownSend() throws IOException {
        if (!connectRecorded && !connect()) {
            return false;
        }
        recording.flushBeforeOutput();
        boolean done;
        try {
            done = delegate().shutdownSend();
        } catch (IOException e) {
            recordFailure(RecordType.SEND_ERROR, e);
            throw e;
        }
        if (done && !shutdownRecorded) {
            shutdownRecorded = true;
            recording.record(writer, RecordType.SEND_SHUTDOWN, Payloads.empty());
        }
        return done;
    }

    private void recordFailure(RecordType type, IOException e) {
        if (!failureRecorded) {
            failureRecorded = true;
            recording.record(writer, type, Payloads.error(e));
        }
    }

    @Override
    public void close() {
        recording.flushBeforeOutput();
        delegate().close();
        recording.closeFile(writer);
    }

    /** Not recorded, as {@link #close()} is not: it brings nothing into the process. */
    @Override
    public void reset() {
        recording.flushBeforeOutput();
        delegate().reset();
        recording.closeFile(writer);
    }
}
