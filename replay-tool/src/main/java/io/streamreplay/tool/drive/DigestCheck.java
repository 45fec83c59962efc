package io.streamreplay.tool.drive;

import io.streamreplay.tool.drive.RecordedConnection.ExpectedDigest;
import io.streamreplay.tool.text.PayloadText;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Locale;
import java.util.zip.CRC32C;

/**
 * Checks live replies against a library server's recording, which holds of each send only its length and CRC-32C.
 * A JSON-RPC message is checked against the recorded sends that make it up (the library sends each message by
 * itself, in one send or, when the socket took it in parts, several); a raw stream, chunk after chunk. After a
 * length that differs, the rest cannot be lined up and is not checked. Not thread-safe.
 */
final class DigestCheck {

    private final ArrayDeque<ExpectedDigest> expected;
    private final boolean lengthOnly;
    private final RecordedConnection recorded;
    private byte[] pending = new byte[0];
    private boolean lost;

    DigestCheck(RecordedConnection recorded, boolean lengthOnly) {
        this.recorded = recorded;
        this.expected = recorded.replies().digests();
        this.lengthOnly = lengthOnly;
    }

    /** Whether the stream could not be lined up any more: nothing further is checked. */
    boolean lost() {
        return lost;
    }

    /** Whether a live message of {@code length} bytes cannot be checked until more of the recording is read. */
    boolean needsMore(int length) {
        if (lost || recorded.complete()) {
            return false;
        }
        long sum = 0;
        for (ExpectedDigest digest : expected) {
            sum += digest.length();
            if (sum >= length) {
                return false;
            }
        }
        return true;
    }

    /**
     * Checks one live JSON-RPC message, once the recorded sends it needs are read ({@link #needsMore}).
     *
     * @return null if it matches, else what differs
     */
    Mismatch message(byte[] bytes) {
        if (lost) {
            return null;
        }
        long length = 0;
        int chunks = 0;
        for (ExpectedDigest digest : expected) {
            if (length >= bytes.length) {
                break;
            }
            length += digest.length();
            chunks++;
        }
        if (length != bytes.length) {
            lost = true;
            ExpectedDigest first = expected.peek();
            return new Mismatch(first == null ? -1 : first.seq(), "a reply of another length",
                    first == null ? "nothing more: the recording ends here"
                            : "the next send: " + describe(first.length(), first.crc(), 1),
                    live(bytes, 0, bytes.length));
        }
        int offset = 0;
        Mismatch mismatch = null;
        for (int i = 0; i < chunks; i++) {
            ExpectedDigest digest = expected.poll();
            int crc = crc(bytes, offset, digest.length());
            if (mismatch == null && !lengthOnly && crc != digest.crc()) {
                mismatch = new Mismatch(digest.seq(), "a reply of the same length but other content",
                        describe(digest.length(), digest.crc(), 1), live(bytes, offset, digest.length()));
            }
            offset += digest.length();
        }
        return mismatch;
    }

    /**
     * Checks live bytes of a raw stream.
     *
     * @return null if they match so far (or wait for more), else what differs
     */
    Mismatch bytes(byte[] data) {
        if (lost) {
            return null;
        }
        byte[] joined = Arrays.copyOf(pending, pending.length + data.length);
        System.arraycopy(data, 0, joined, pending.length, data.length);
        int offset = 0;
        while (!expected.isEmpty() && joined.length - offset >= expected.peek().length()) {
            ExpectedDigest digest = expected.poll();
            int crc = crc(joined, offset, digest.length());
            if (!lengthOnly && crc != digest.crc()) {
                lost = true;
                return new Mismatch(digest.seq(), "bytes of other content", describe(digest.length(), digest.crc(), 1),
                        live(joined, offset, digest.length()));
            }
            offset += digest.length();
        }
        pending = Arrays.copyOfRange(joined, offset, joined.length);
        if (expected.isEmpty() && pending.length > 0 && recorded.complete()) {
            lost = true;
            return new Mismatch(-1, "more bytes than recorded", "nothing more: the recording ends here",
                    pending.length + " bytes: " + text(pending));
        }
        return null;
    }

    private static final String ONLY_DIGESTS = " (a library server's recording holds only the length and CRC-32C"
            + " of what it sent)";

    /** What the recording holds: {@code length} bytes, with their CRC-32C when {@code crc} is not -1. */
    private static String describe(long length, int crc, int sends) {
        String what = length + " bytes" + (sends > 1 ? " in " + sends + " sends" : "");
        return (crc == -1 ? what : what + String.format(Locale.ROOT, ", CRC-32C %08x", crc)) + ONLY_DIGESTS;
    }

    /** What the target sent: {@code length} bytes with their CRC-32C, and the bytes as an excerpt. */
    private static String live(byte[] bytes, int offset, int length) {
        return String.format(Locale.ROOT, "%d bytes, CRC-32C %08x: ", length, crc(bytes, offset, length))
                + text(Arrays.copyOfRange(bytes, offset, offset + length));
    }

    private static int crc(byte[] bytes, int offset, int length) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, offset, length);
        return (int) crc.getValue();
    }

    private static String text(byte[] bytes) {
        return PayloadText.of(bytes, Format.EXCERPT);
    }
}
