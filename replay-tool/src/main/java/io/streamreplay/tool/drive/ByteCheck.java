package io.streamreplay.tool.drive;

import io.streamreplay.tool.drive.RecordedConnection.ExpectedBytes;
import io.streamreplay.tool.text.PayloadText;
import java.util.ArrayDeque;
import java.util.Arrays;

/**
 * Checks the live bytes of a raw stream against the recorded replies, in full (a stream-proxy recording): byte for
 * byte, or by length only. The first difference is reported with the recorded event that holds it; nothing after it
 * is checked, since the streams no longer line up. Not thread-safe.
 */
final class ByteCheck {

    /** Bytes shown before the first difference, for context. */
    private static final int CONTEXT = 40;

    private final ArrayDeque<ExpectedBytes> expected;
    private final RecordedConnection recorded;
    private final boolean lengthOnly;
    /** How far into the head chunk the live bytes have been checked. */
    private int position;
    private byte[] pending = new byte[0];
    private boolean lost;

    ByteCheck(RecordedConnection recorded, boolean lengthOnly) {
        this.recorded = recorded;
        this.expected = recorded.replies().bytes();
        this.lengthOnly = lengthOnly;
    }

    /**
     * Checks more live bytes (and any held back until the recording was read further).
     *
     * @return null if they match so far, else what differs
     */
    Mismatch bytes(byte[] data) {
        if (lost) {
            return null;
        }
        byte[] live = data.length == 0 ? pending : join(pending, data);
        int offset = 0;
        while (offset < live.length && !expected.isEmpty()) {
            ExpectedBytes head = expected.peek();
            int n = Math.min(head.bytes().length - position, live.length - offset);
            int differs = lengthOnly ? -1
                    : Arrays.mismatch(head.bytes(), position, position + n, live, offset, offset + n);
            if (differs >= 0) {
                lost = true;
                int at = position + differs;
                int from = Math.max(0, at - CONTEXT);
                return new Mismatch(head.seq(), "bytes that differ at byte " + at + " of the recorded data",
                        PayloadText.of(Arrays.copyOfRange(head.bytes(), from, head.bytes().length), Format.EXCERPT),
                        PayloadText.of(Arrays.copyOfRange(live, Math.max(0, offset + differs - (at - from)),
                                live.length), Format.EXCERPT));
            }
            position += n;
            offset += n;
            if (position == head.bytes().length) {
                recorded.replies().release(expected.poll().bytes().length);
                position = 0;
            }
        }
        pending = Arrays.copyOfRange(live, offset, live.length);
        if (pending.length > 0 && expected.isEmpty() && recorded.complete()) {
            lost = true;
            return new Mismatch(-1, "more bytes than recorded", "nothing more: the recording ends here",
                    PayloadText.of(pending, Format.EXCERPT));
        }
        return null;
    }

    /** Whether recorded bytes are left that the target has not sent (yet). */
    boolean expectsMore() {
        return !lost && !expected.isEmpty();
    }

    /** The sequence number of the recorded bytes expected next, or -1. */
    long nextSeq() {
        return expected.isEmpty() ? -1 : expected.peek().seq();
    }

    /** The recorded bytes expected next, as an excerpt. */
    String expectedExcerpt() {
        if (expected.isEmpty()) {
            return "nothing";
        }
        byte[] head = expected.peek().bytes();
        return PayloadText.of(Arrays.copyOfRange(head, position, head.length), Format.EXCERPT);
    }

    /** Whether live bytes wait for more of the recording to be read. */
    boolean waiting() {
        return pending.length > 0 && !lost;
    }

    private static byte[] join(byte[] a, byte[] b) {
        byte[] joined = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, joined, a.length, b.length);
        return joined;
    }
}
