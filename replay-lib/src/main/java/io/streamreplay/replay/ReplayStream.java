package io.streamreplay.replay;

import io.streamreplay.poll.PollLoop;
import io.streamreplay.stream.Stream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * A stream served from its replay file: each call returns what the recorded call returned, when that record's
 * sequence number comes up; before then it transfers nothing, as a live stream with nothing to deliver would.
 *
 * <p>Reads may take a recorded chunk in several smaller pieces; sends are checked against the recorded length and
 * CRC-32C, and a mismatch is a {@link ReplayDivergenceException}. Recorded errors and EOF are sticky, as in the live
 * stream. Loop thread only.
 */
final class ReplayStream implements Stream {

    private final String name;
    private final ReplayCursor cursor;
    private final Replay replay;
    private final CRC32C sendCrc = new CRC32C();
    private String peer;
    private boolean connected;
    private boolean eof;
    private boolean sendShutdown;
    private IOException failure;
    private int recvOffset;
    private int sendDone;

    ReplayStream(String name, String peer, ReplayCursor cursor, Replay replay) {
        this.name = name;
        this.peer = peer;
        this.cursor = cursor;
        this.replay = replay;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String peer() {
        return peer;
    }

    @Override
    public boolean connect() throws IOException {
        absorbConnect();
        if (!connected) {
            ReplayRecord head = cursor.head();
            // A stream whose recording continues with data connected without an explicit connect() call.
            connected = head != null && head.type() != RecordType.CONNECT_OK
                    && head.type() != RecordType.CONNECT_ERROR;
        }
        return connected;
    }

    /** Consumes a due connection outcome, whichever call reaches it first. */
    private void absorbConnect() throws IOException {
        replay.failures().check();
        if (failure != null) {
            throw failure;
        }
        ReplayRecord due = cursor.due();
        if (due != null && due.type() == RecordType.CONNECT_OK) {
            cursor.consume();
            peer = Payloads.text(due.payload());
            connected = true;
        } else if (due != null && due.type() == RecordType.CONNECT_ERROR) {
            cursor.consume();
            failure = Payloads.errorOf(due.payload());
            throw failure;
        }
    }

    @Override
    public int recv(ByteBuffer dst) throws IOException {
        absorbConnect();
        if (eof) {
            return -1;
        }
        ReplayRecord due = cursor.due();
        if (due == null || !dst.hasRemaining()) {
            return 0;
        }
        switch (due.type()) {
            case RECV_DATA -> {
                int n = Math.min(dst.remaining(), due.payload().length - recvOffset);
                dst.put(due.payload(), recvOffset, n);
                recvOffset += n;
                if (recvOffset == due.payload().length) {
                    recvOffset = 0;
                    cursor.consume();
                }
                return n;
            }
            case RECV_EOF -> {
                cursor.consume();
                eof = true;
                return -1;
            }
            case RECV_ERROR -> {
                cursor.consume();
                failure = Payloads.errorOf(due.payload());
                throw failure;
            }
            default -> {
                return 0;
            }
        }
    }

    @Override
    public int send(ByteBuffer src) throws IOException {
        absorbConnect();
        if (sendShutdown) {
            throw new IllegalStateException(name + ": send after the sending side was shut down");
        }
        ReplayRecord due = cursor.due();
        if (due == null || !src.hasRemaining()) {
            return 0;
        }
        if (due.type() == RecordType.SEND_ERROR) {
            cursor.consume();
            failure = Payloads.errorOf(due.payload());
            throw failure;
        }
        if (due.type() != RecordType.SEND_OK) {
            return 0;
        }
        int recorded = Payloads.sentLength(due.payload());
        int n = Math.min(src.remaining(), recorded - sendDone);
        ByteBuffer taken = src.duplicate();
        taken.limit(taken.position() + n);
        sendCrc.update(taken);
        src.position(src.position() + n);
        sendDone += n;
        if (sendDone == recorded) {
            int digest = (int) sendCrc.getValue();
            sendDone = 0;
            sendCrc.reset();
            if (digest != Payloads.sentDigest(due.payload())) {
                throw replay.failures().fail("'" + name + "' sent other bytes than the " + recorded + " recorded at #"
                        + due.seq() + " (file " + cursor.reader().file().getFileName() + ", offset " + due.offset()
                        + ")");
            }
            cursor.consume();
        }
        return n;
    }

    @Override
    public boolean shutdownSend() throws IOException {
        absorbConnect();
        if (sendShutdown) {
            return true;
        }
        ReplayRecord due = cursor.due();
        if (due == null) {
            return false;
        }
        if (due.type() == RecordType.SEND_ERROR) {
            cursor.consume();
            failure = Payloads.errorOf(due.payload());
            throw failure;
        }
        if (due.type() != RecordType.SEND_SHUTDOWN) {
            return false;
        }
        cursor.consume();
        sendShutdown = true;
        return true;
    }

    @Override
    public void waitConnect(PollLoop loop, String where) {
        replay.waits().add("connect", cursor);
        ReplayRecord due = cursor.due();
        if (connected || failure != null || (due != null && isConnect(due.type()))) {
            loop.wakeImmediately(where);
        }
    }

    @Override
    public void waitRecv(PollLoop loop, String where) {
        replay.waits().add("recv", cursor);
        ReplayRecord due = cursor.due();
        if (failure != null || eof || (due != null && (isConnect(due.type()) || due.type() == RecordType.RECV_DATA
                || due.type() == RecordType.RECV_EOF || due.type() == RecordType.RECV_ERROR))) {
            loop.wakeImmediately(where);
        }
    }

    @Override
    public void waitSend(PollLoop loop, String where) {
        replay.waits().add("send", cursor);
        ReplayRecord due = cursor.due();
        if (failure != null || (due != null && (isConnect(due.type()) || due.type() == RecordType.SEND_OK
                || due.type() == RecordType.SEND_ERROR || due.type() == RecordType.SEND_SHUTDOWN))) {
            loop.wakeImmediately(where);
        }
    }

    private static boolean isConnect(RecordType type) {
        return type == RecordType.CONNECT_OK || type == RecordType.CONNECT_ERROR;
    }

    /** As the recorded stream's transport said (always false for recordings of format 1, made without probes). */
    @Override
    public boolean needsProbes() {
        return cursor.reader().needsProbes();
    }

    @Override
    public void close() {
        cursor.close();
    }

    @Override
    public void reset() {
        cursor.close();
    }
}
