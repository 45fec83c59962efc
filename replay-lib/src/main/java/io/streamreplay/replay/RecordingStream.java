package io.streamreplay.replay;

import io.streamreplay.poll.PollLoop;
import io.streamreplay.stream.Stream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

/**
 * Forwards every call to a live stream and records each result that a replay must reproduce: the connection's
 * outcome, every read (bytes, EOF or error), every send (the count accepted and a CRC-32C of those bytes). Calls
 * that transfer nothing are not recorded; the first error and the first EOF are, since both are sticky.
 *
 * <p>It reports {@link #needsProbes()} false: a recorded run must not depend on time. Loop thread only.
 */
final class RecordingStream implements Stream {

    private final Stream live;
    private final Recording recording;
    private final RecordWriter writer;
    private final CRC32C crc = new CRC32C();
    private boolean connectRecorded;
    private boolean endRecorded;

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
                endRecorded = true;
                recording.record(writer, RecordType.CONNECT_ERROR, RecordedError.encode(e));
            }
            throw e;
        }
    }

    @Override
    public int recv(ByteBuffer dst) throws IOException {
        int start = dst.position();
        int n;
        try {
            n = live.recv(dst);
        } catch (IOException e) {
            recordEnd(RecordType.RECV_ERROR, RecordedError.encode(e));
            throw e;
        }
        if (n > 0) {
            ByteBuffer received = dst.duplicate();
            received.position(start).limit(start + n);
            recording.record(writer, RecordType.RECV_DATA, received);
        } else if (n < 0) {
            recordEnd(RecordType.RECV_EOF, ByteBuffer.allocate(0));
        }
        return n;
    }

    @Override
    public int send(ByteBuffer src) throws IOException {
        int start = src.position();
        int n;
        try {
            n = live.send(src);
        } catch (IOException e) {
            recordEnd(RecordType.SEND_ERROR, RecordedError.encode(e));
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

    private void recordEnd(RecordType type, ByteBuffer payload) {
        if (!endRecorded) {
            endRecorded = true;
            recording.record(writer, type, payload);
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
}
