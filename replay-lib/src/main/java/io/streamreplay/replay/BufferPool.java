package io.streamreplay.replay;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A fixed number of equal buffers shared by the files of one recording, or of one replay, so that what they buffer
 * together stays bounded however many streams are open: a recorded server with thousands of idle connections holds
 * a buffer for none of them.
 *
 * <p>A file takes a buffer when it has bytes to hold and gives it back when it has none. When every buffer is
 * taken, the one used least recently is reclaimed from its holder, which writes out (a recording) or forgets (a
 * replay, which reads those bytes again when it needs them) what the buffer held.
 *
 * <p>Not thread-safe: its owner serializes access.
 */
final class BufferPool {

    /** Bytes in each buffer. */
    static final int BUFFER_SIZE = 64 * 1024;
    /** Buffers in a pool: {@value} of {@value #BUFFER_SIZE} bytes, 4 MiB in all. */
    static final int BUFFERS = 64;

    /** A file that holds a buffer of the pool. */
    interface Holder {
        /**
         * Gives up the buffer the pool lent: writes out or forgets what it holds, and uses it no more. The pool
         * takes the buffer back even if this throws.
         */
        void reclaim() throws IOException;
    }

    private final int capacity;
    private final boolean direct;
    private final ArrayDeque<ByteBuffer> free = new ArrayDeque<>();
    /** The holders, least recently used first. */
    private final LinkedHashMap<Holder, ByteBuffer> held = new LinkedHashMap<>(16, 0.75f, true);
    private int allocated;

    private BufferPool(int capacity, boolean direct) {
        this.capacity = capacity;
        this.direct = direct;
    }

    /** A pool of direct buffers, for writing files: the JDK would copy a heap buffer into a direct one anyway. */
    static BufferPool forWriting() {
        return new BufferPool(BUFFERS, true);
    }

    /** A pool of heap buffers, for reading files. */
    static BufferPool forReading() {
        return new BufferPool(BUFFERS, false);
    }

    /**
     * Lends {@code holder} an empty buffer of {@value #BUFFER_SIZE} bytes, reclaiming the least recently used one
     * from its holder if none is free.
     *
     * @throws IOException if the holder whose buffer was reclaimed could not write it out
     */
    ByteBuffer acquire(Holder holder) throws IOException {
        ByteBuffer buffer = free.poll();
        if (buffer == null && allocated < capacity) {
            allocated++;
            buffer = direct ? ByteBuffer.allocateDirect(BUFFER_SIZE) : ByteBuffer.allocate(BUFFER_SIZE);
        }
        if (buffer == null) {
            Iterator<Map.Entry<Holder, ByteBuffer>> eldest = held.entrySet().iterator();
            Map.Entry<Holder, ByteBuffer> victim = eldest.next();
            eldest.remove();
            buffer = victim.getValue();
            try {
                victim.getKey().reclaim();
            } finally {
                buffer.clear();
                held.put(holder, buffer);
            }
            return buffer;
        }
        buffer.clear();
        held.put(holder, buffer);
        return buffer;
    }

    /** Marks {@code holder}'s buffer as just used, so that it is reclaimed last. */
    void touch(Holder holder) {
        held.get(holder);
    }

    /** Takes back {@code holder}'s buffer, if it holds one. */
    void release(Holder holder) {
        ByteBuffer buffer = held.remove(holder);
        if (buffer != null) {
            free.push(buffer);
        }
    }

    /** The holders of buffers now, least recently used first. */
    List<Holder> holders() {
        return new ArrayList<>(held.keySet());
    }

    /** Buffers allocated so far: at most {@value #BUFFERS}. */
    int allocated() {
        return allocated;
    }
}
