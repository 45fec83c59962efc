package io.streamreplay.fault;

import io.streamreplay.poll.PollLoop;
import io.streamreplay.stream.Stream;
import java.io.IOException;
import java.net.ConnectException;
import java.nio.ByteBuffer;

/**
 * A connection refused by a blackout: it never reaches the network, and its first {@link #connect()} (or
 * {@code recv}, {@code send}) fails as a refused TCP connect does, with a sticky {@link ConnectException}.
 * Loop thread only.
 */
final class RefusedStream implements Stream {

    private final String name;
    private final ConnectException refusal;

    RefusedStream(String name, String why) {
        this.name = name;
        this.refusal = new ConnectException(name + ": " + why);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String peer() {
        return "";
    }

    @Override
    public boolean connect() throws IOException {
        throw refusal;
    }

    @Override
    public int recv(ByteBuffer dst) throws IOException {
        throw refusal;
    }

    @Override
    public int send(ByteBuffer src) throws IOException {
        throw refusal;
    }

    @Override
    public boolean shutdownSend() throws IOException {
        throw refusal;
    }

    @Override
    public void waitConnect(PollLoop loop, String where) {
        loop.wakeImmediately(where);
    }

    @Override
    public void waitRecv(PollLoop loop, String where) {
        loop.wakeImmediately(where);
    }

    @Override
    public void waitSend(PollLoop loop, String where) {
        loop.wakeImmediately(where);
    }

    @Override
    public boolean needsProbes() {
        return true;
    }

    @Override
    public void close() {
    }

    @Override
    public void reset() {
    }
}
