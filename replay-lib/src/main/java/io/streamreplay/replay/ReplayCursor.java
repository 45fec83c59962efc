package io.streamreplay.replay;

import java.io.IOException;

/**
 * A position in one replay file during a replay: its next record, and whether that record is due (its sequence
 * number is the next one the whole process expects). Consuming a record advances the process-wide sequence.
 * Loop thread only.
 */
final class ReplayCursor implements AutoCloseable {

    private final Replay replay;
    private final RecordReader reader;
    private ReplayRecord head;
    /** A problem met reading ahead, reported when the record is asked for. */
    private IOException unread;
    private boolean closed;

    ReplayCursor(Replay replay, RecordReader reader) {
        this.replay = replay;
        this.reader = reader;
        readAhead();
    }

    /** What a replay says of a file it cannot read: damaged, or compressed with a codec this machine lacks. */
    static String unreadable(IOException e) {
        return (e instanceof CompressionUnavailableException ? "cannot read the recording here: "
                : "corrupt recording: ") + e.getMessage();
    }

    /** The next record, or null when the file has no more. */
    ReplayRecord head() {
        if (unread != null) {
            throw replay.failures().fail(unreadable(unread));
        }
        if (head == null && !closed) {
            try {
                head = reader.peek();
            } catch (IOException e) {
                throw replay.failures().fail(unreadable(e));
            }
            if (head != null) {
                replay.headAt(head.seq(), this);
            }
        }
        return head;
    }

    /**
     * Reads the next record ahead, so that the replay knows which file holds the next event even when the
     * application is not asking this one for now (a listener it does not wait on while it backs off). A problem
     * reading it is reported only when the record is asked for, as without reading ahead.
     */
    private void readAhead() {
        if (head == null && !closed && unread == null) {
            try {
                head = reader.peek();
            } catch (IOException e) {
                unread = e;
                return;
            }
            if (head != null) {
                replay.headAt(head.seq(), this);
            }
        }
    }

    /**
     * The next record if it is due now, else null: it is the next event, within the recording, in a loop iteration
     * the replay has entered (format 2), and not beyond the replay's stop point.
     */
    ReplayRecord due() {
        ReplayRecord next = head();
        return next != null && replay.isDue(next) && replay.holds(next.seq()) && !replay.isBeyondStop(next) ? next
                : null;
    }

    /**
     * For an operation that cannot wait (opening a stream, drawing a value): like {@link #due()}, but if the next
     * record lies beyond the stop point the thread stays here, idle, for good (see {@link Replay#idle()}).
     */
    ReplayRecord dueNow() {
        ReplayRecord next = head();
        if (next != null && next.seq() == replay.next() && replay.holds(next.seq()) && replay.isBeyondStop(next)) {
            replay.idle();
        }
        return due();
    }

    /** Consumes the head record, which must be due. */
    void consume() {
        replay.delivered(head, this);
        reader.advance();
        head = null;
        readAhead();
    }

    /** The name recorded in the file header. */
    String name() {
        return reader.name();
    }

    /** A description for messages: the stream's name and file. */
    String describe() {
        return "'" + reader.name() + "' (file " + reader.file().getFileName() + ")";
    }

    RecordReader reader() {
        return reader;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            if (head != null) {
                replay.headGone(head.seq(), this);
            }
            try {
                reader.close();
            } catch (IOException e) {
                // Read-only file: nothing is lost by a failed close.
            }
        }
    }
}
