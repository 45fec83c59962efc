package io.streamreplay.tool.drive;

import io.streamreplay.stream.Stream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;

/**
 * The bytes a {@link LiveConnection} has yet to send to the target, in the order its steps and echo replies queued
 * them, and a shutdown of its sending side to do after them. Sending is non-blocking: {@link #flush} sends what the
 * stream takes now and keeps the rest.
 *
 * <p>Loop thread only, as the connection.
 */
final class SendQueue {

    private final ArrayDeque<ByteBuffer> out = new ArrayDeque<>();
    private long queued;
    private boolean shutdownPending;

    /** Queues {@code data} to send after what is queued. */
    void add(byte[] data) {
        out.add(ByteBuffer.wrap(data));
        queued += data.length;
    }

    /** Asks for the sending side to be shut down once everything queued is sent. */
    void shutdownAfter() {
        shutdownPending = true;
    }

    /** Bytes queued and not yet sent. */
    long queued() {
        return queued;
    }

    /** Whether no bytes wait to be sent. */
    boolean isEmpty() {
        return out.isEmpty();
    }

    /** Whether the connection has something to send: bytes, or the shutdown. */
    boolean wantsSend() {
        return !out.isEmpty() || shutdownPending;
    }

    /**
     * Sends what {@code stream} takes now, then the shutdown if it was asked for and everything is sent.
     *
     * @return true if the sending side was shut down by this call
     * @throws IOException if the stream failed
     */
    boolean flush(Stream stream) throws IOException {
        while (!out.isEmpty()) {
            ByteBuffer head = out.peek();
            int n = stream.send(head);
            queued -= n;
            if (head.hasRemaining()) {
                return false;
            }
            out.poll();
        }
        if (shutdownPending && stream.shutdownSend()) {
            shutdownPending = false;
            return true;
        }
        return false;
    }
}
