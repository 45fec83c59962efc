package io.streamreplay.jsonrpc;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamreplay.poll.PollLoop;
import io.streamreplay.stream.Stream;
import java.io.EOFException;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Arrays;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * JSON-RPC messages over one {@link Stream}: incremental parsing on the way in, a bounded backlog on the way out.
 *
 * <p>Errors are a sticky status, not exceptions: once {@link #error()} is non-null (the peer closed the stream, it
 * broke the protocol, the stream failed, or the backlog overflowed) the connection sends and receives nothing
 * more, and its owner should close it. End of stream is an {@link EOFException} status, set once everything queued
 * before and after it has been sent: a peer that shuts down its sending side after pipelining requests (a
 * half-close) still gets the replies to every request that was read.
 *
 * <p>Notifications are held back for the loop iteration when the connection is given its {@link PollLoop} and that
 * loop {@linkplain PollLoop#holdsOutput() holds output}: those sent during one iteration are queued and written with
 * one call, merged into one buffer, just before the loop blocks ({@link PollLoop#writeBeforeBlock}), or sooner with
 * the next request or reply or when the owner {@linkplain #run() runs} the connection, or at once when
 * {@value #WRITE_AT_ONCE_BYTES} bytes or more wait unwritten. A server
 * whose transactions of one iteration each update a client's monitor then makes one system call for that client
 * instead of one per update. Replies, errors and requests are written at once, as Open vSwitch's
 * {@code jsonrpc_send} (lib/jsonrpc.c) writes when its backlog was empty: the peer waits for them, and its next
 * request may then still be read in the same iteration. Holding them too was measured to cost more than it saves
 * (fewer messages per iteration, more empty reads and polls; docs/performance.md). This copies what ovsdb-server
 * does for monitors in spirit, not in form: ovsdb/jsonrpc-server.c composes one update per monitor from all the
 * changes since the last ({@code ovsdb_jsonrpc_monitor_flush_all}, run while the session's backlog is empty and
 * before each reply), where this connection keeps each update and merges only their writes. Held output never waits
 * for a timer: it goes before the loop blocks. The backlog bound, {@link Limits#maxBacklogBytes()}, counts held
 * bytes too.
 *
 * <p>Loop thread only.
 */
public final class JsonRpcConnection implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(JsonRpcConnection.class);
    private static final int RECEIVE_BUFFER = 16 * 1024;
    private static final int OPENING_BYTES = 24;
    /** Held output of this many bytes or more is written at once rather than when the loop is about to block. */
    static final int WRITE_AT_ONCE_BYTES = 64 * 1024;

    private final Stream stream;
    private final Limits limits;
    private final MessageParser parser;
    /**
     * The receive buffer, held only while the parser still has bytes of it to parse (the parser reads the fed
     * array in place); between reads an idle connection holds none, and takes the loop thread's spare when it reads.
     */
    private ByteBuffer input;
    /** One receive buffer per loop thread, lent to whichever connection reads next. */
    private static final ThreadLocal<ByteBuffer[]> SPARE = ThreadLocal.withInitial(() -> new ByteBuffer[1]);
    private final ArrayDeque<ByteBuffer> backlog = new ArrayDeque<>();
    private long backlogBytes;
    private long receivedBytes;
    private long sentBytes;
    private IOException error;
    /** The first bytes received, kept until a message completes, to tell a peer of another protocol. */
    private byte[] opening = new byte[0];
    /** Whether the peer has closed its side: nothing more to read, and the end once the backlog is sent. */
    private boolean inputClosed;
    private final BufferBudget budget;
    /** What {@link #budget} was last told this connection holds. */
    private long reported;
    /** The loop whose iterations this connection's output is held for, or null to write each message at once. */
    private final PollLoop loop;
    private final Runnable writeHeld = this::writeHeld;
    /** Whether a write is registered with {@link #loop} for when it is about to block. */
    private boolean writeRegistered;
    /** The messages at the end of the backlog that no write has tried yet, and their bytes. */
    private int heldMessages;
    private long heldBytes;

    /** A connection over {@code stream}, which it owns from now on, writing each message at once. */
    public JsonRpcConnection(Stream stream, Limits limits) {
        this(stream, limits, null, null);
    }

    /**
     * A connection over {@code stream}, which it owns from now on, whose notifications are held back until
     * {@code loop} is about to block, if the loop {@linkplain PollLoop#holdsOutput() holds output}.
     */
    public JsonRpcConnection(Stream stream, Limits limits, PollLoop loop) {
        this(stream, limits, loop, null);
    }

    /** A connection whose buffers count against {@code budget} (null for none). */
    JsonRpcConnection(Stream stream, Limits limits, PollLoop loop, BufferBudget budget) {
        this.stream = stream;
        this.limits = limits;
        this.loop = loop;
        this.parser = new MessageParser(limits.maxMessageBytes());
        this.budget = budget;
        if (budget != null) {
            budget.add(this);
        }
    }

    /** The stream's name. */
    public String name() {
        return stream.name();
    }

    /** The underlying stream. */
    public Stream stream() {
        return stream;
    }

    /** Sends as much of the backlog as the stream accepts now, held notifications included. */
    public void run() {
        if (error != null) {
            return;
        }
        write();
    }

    /** Whether output waits for the loop to be about to block. */
    private boolean holding() {
        return loop != null && loop.holdsOutput();
    }

    private void registerWrite() {
        if (!writeRegistered) {
            writeRegistered = true;
            loop.writeBeforeBlock(writeHeld);
        }
    }

    /**
     * Writes the held output as the loop is about to block. If the stream does not take all of it, the loop is to
     * wake when it can take more; if the connection ends (the peer's half-close, now that every reply is sent, or a
     * failed write), the loop is to wake at once, so that the owner learns it.
     */
    private void writeHeld() {
        writeRegistered = false;
        if (error != null) {
            return;
        }
        write();
        if (error != null) {
            loop.wakeImmediately("json-rpc connection ended while writing");
        } else if (!backlog.isEmpty()) {
            stream.waitSend(loop, "json-rpc backlog");
        }
    }

    /** Sends as much of the backlog as the stream accepts now, the messages no write has tried yet as one buffer. */
    private void write() {
        mergeHeld();
        try {
            while (!backlog.isEmpty()) {
                ByteBuffer head = backlog.peek();
                int n = stream.send(head);
                if (n == 0) {
                    break;
                }
                sentBytes += n;
                backlogBytes -= n;
                if (!head.hasRemaining()) {
                    backlog.poll();
                }
            }
        } catch (IOException e) {
            fail(e);
        }
        if (inputClosed && backlog.isEmpty()) {
            fail(new EOFException(name() + ": connection closed by peer"));
        }
        report();
    }

    /** Merges the messages at the end of the backlog that no write has tried yet into one buffer. */
    private void mergeHeld() {
        if (heldMessages > 1) {
            byte[] merged = new byte[(int) heldBytes];
            int end = merged.length;
            for (int i = 0; i < heldMessages; i++) {
                ByteBuffer message = backlog.pollLast();
                end -= message.remaining();
                message.get(merged, end, message.remaining());
            }
            backlog.add(ByteBuffer.wrap(merged));
        }
        heldMessages = 0;
        heldBytes = 0;
    }

    /**
     * Queues {@code message} and tries to send it at once, with any notifications held before it; or, for a
     * notification while output is held back, before the loop blocks (at once if {@value #WRITE_AT_ONCE_BYTES} bytes
     * or more are then held). A message that would push the backlog past {@link Limits#maxBacklogBytes()} fails the
     * connection instead.
     */
    public void send(Message message) {
        if (error != null) {
            return;
        }
        byte[] bytes = Json.toBytes(message);
        if (backlogBytes + bytes.length > limits.maxBacklogBytes()) {
            fail(new IOException(name() + ": send backlog of " + (backlogBytes + bytes.length)
                    + " bytes would exceed the limit of " + limits.maxBacklogBytes() + " bytes; the peer is not"
                    + " reading"));
            return;
        }
        if (log.isTraceEnabled()) {
            log.trace("{}: send {}", name(), message);
        }
        backlog.add(ByteBuffer.wrap(bytes));
        backlogBytes += bytes.length;
        if (!holding()) {
            write();
            return;
        }
        heldMessages++;
        heldBytes += bytes.length;
        if (message.type() != Message.Type.NOTIFICATION || heldBytes >= WRITE_AT_ONCE_BYTES) {
            write();
            if (error == null && !backlog.isEmpty()) {
                // What the stream did not take goes with the next write, before the loop blocks.
                registerWrite();
            }
        } else {
            registerWrite();
            report();
        }
    }

    /**
     * Returns the next complete message, reading from the stream as needed.
     *
     * @return a message, or null if none is complete yet or the connection has failed (see {@link #error()})
     */
    public Message recv() {
        if (error != null) {
            return null;
        }
        try {
            while (true) {
                JsonNode json = parser.next();
                if (json != null) {
                    opening = null;
                    report();
                    Message message = Message.fromJson(json);
                    if (log.isTraceEnabled()) {
                        log.trace("{}: received {}", name(), message);
                    }
                    return message;
                }
                // What parsing built from the last bytes counts against the budget before more are read.
                report();
                if (error != null || inputClosed) {
                    return null;
                }
                ByteBuffer[] spare = SPARE.get();
                if (input == null) {
                    input = spare[0] != null ? spare[0] : ByteBuffer.allocate(RECEIVE_BUFFER);
                    spare[0] = null;
                }
                input.clear();
                int n = stream.recv(input);
                if (n <= 0) {
                    // Nothing of the buffer is left to parse: it goes back to the thread.
                    spare[0] = input;
                    input = null;
                }
                if (n == 0) {
                    return null;
                }
                if (n < 0) {
                    // Replies to what was read still go out; the end comes once they are sent (see run()).
                    inputClosed = true;
                    run();
                    return null;
                }
                receivedBytes += n;
                if (opening != null && opening.length < OPENING_BYTES) {
                    byte[] more = Arrays.copyOf(opening, Math.min(OPENING_BYTES, opening.length + n));
                    System.arraycopy(input.array(), 0, more, opening.length, more.length - opening.length);
                    opening = more;
                }
                parser.feed(input.array(), 0, n);
                report();
                if (error != null) {
                    return null;
                }
            }
        } catch (ProtocolException e) {
            String otherProtocol = opening == null ? null : OtherProtocol.describe(opening);
            fail(new ProtocolException(name() + ": " + (otherProtocol != null ? otherProtocol : e.getMessage()), e));
            return null;
        } catch (IOException e) {
            fail(e);
            return null;
        }
    }

    /**
     * Sends {@code request} and runs {@code loop} until its reply (or error reply) arrives: a convenience for simple
     * programs, built on the non-blocking calls. Other messages received meanwhile are discarded, as Open vSwitch's
     * blocking transact does.
     *
     * @return the reply, of type {@link Message.Type#REPLY} or {@link Message.Type#ERROR}
     * @throws SocketTimeoutException if no reply came within {@code timeoutMillis} on the loop's clock
     * @throws IOException if the connection failed or was closed first
     */
    public Message transactBlocking(PollLoop loop, Message request, long timeoutMillis) throws IOException {
        long deadline = loop.deadlineAfterMillis(timeoutMillis);
        send(request);
        while (true) {
            run();
            Message message = recv();
            if (message != null) {
                boolean answer = message.type() == Message.Type.REPLY || message.type() == Message.Type.ERROR;
                if (answer && request.id().equals(message.id())) {
                    return message;
                }
                continue;
            }
            if (error != null) {
                throw error;
            }
            if (loop.now() >= deadline) {
                throw new SocketTimeoutException(name() + ": no reply to \"" + request.method() + "\" within "
                        + timeoutMillis + " ms");
            }
            waitRecv(loop, "transactBlocking");
            waitSend(loop, "transactBlocking");
            loop.waitUntil(deadline, "transactBlocking timeout");
            loop.block();
        }
    }

    /** Wakes {@code loop} when {@link #recv()} may return a message or the status may change. */
    public void waitRecv(PollLoop loop, String where) {
        if (error != null || !parser.needsInput()) {
            loop.wakeImmediately(where);
        } else if (!inputClosed) {
            stream.waitRecv(loop, where);
        }
    }

    /**
     * Wakes {@code loop} when the backlog can make progress; registers nothing if it is empty, or if it is held back
     * (its write, before the loop blocks, registers what it still waits for).
     */
    public void waitSend(PollLoop loop, String where) {
        if (error == null && !backlog.isEmpty() && !writeRegistered) {
            stream.waitSend(loop, where);
        }
    }

    /** Bytes queued and not yet accepted by the stream. */
    public long backlogBytes() {
        return backlogBytes;
    }

    /** Bytes received so far; a change means the peer is alive. */
    public long receivedBytes() {
        return receivedBytes;
    }

    /** Bytes the stream has accepted so far. */
    public long sentBytes() {
        return sentBytes;
    }

    /** The sticky status: null while healthy, else why the connection is finished. */
    public IOException error() {
        return error;
    }

    /** Whether the connection ended because the peer closed it cleanly. */
    public boolean isEof() {
        return error instanceof EOFException;
    }

    private void fail(IOException e) {
        if (error == null) {
            error = e;
            backlog.clear();
            backlogBytes = 0;
            heldMessages = 0;
            heldBytes = 0;
            leaveBudget();
        }
    }

    /**
     * What this connection holds for the {@link BufferBudget}: its backlog, and the message received in part, twice
     * its bytes and the estimated heap of the tree parsed from them ({@link MessageParser#pendingBytes()}).
     */
    long bufferedBytes() {
        return error != null ? 0 : backlogBytes + parser.pendingBytes();
    }

    /** Tells the budget of a change in what this connection holds; the budget may fail this connection or others. */
    private void report() {
        if (budget != null && error == null) {
            long now = bufferedBytes();
            if (now != reported) {
                long delta = now - reported;
                reported = now;
                budget.changed(this, delta);
            }
        }
    }

    /** Called by the budget: this connection holds the most when all of them hold too much. */
    void overBudget(IOException reason) {
        fail(reason);
    }

    private void leaveBudget() {
        if (budget != null) {
            budget.remove(this, reported);
            reported = 0;
        }
    }

    /**
     * Closes the stream. Output held back for this iteration is first offered to it, as a connection that writes at
     * once would have offered each message when it was sent; what the stream does not take is dropped.
     */
    @Override
    public void close() {
        if (error == null && heldMessages > 0) {
            write();
        }
        stream.close();
        if (error == null) {
            error = new EOFException(name() + ": connection closed");
            leaveBudget();
        }
    }
}
