package io.streamreplay.jsonrpc;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Checks that a byte stream fed in pieces is well-formed UTF-8 (RFC 3629): no stray continuation bytes, no overlong
 * forms, no encoded surrogates, nothing past U+10FFFF. A sequence may be split across pieces. Not thread-safe.
 */
final class Utf8Check {

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    /** Continuation bytes still expected in the current sequence. */
    private int remaining;
    /** The range the next continuation byte must be in (narrower than 0x80..0xBF right after some lead bytes). */
    private int low = 0x80;
    private int high = 0xBF;
    /** The bytes of the current sequence so far, for the error message. */
    private final int[] sequence = new int[4];
    private int length;

    /**
     * Checks {@code count} bytes from {@code offset}, which start at stream position {@code position}.
     *
     * @return the stream position of the sequence found invalid, or -1 if all is well so far
     */
    long check(byte[] bytes, int offset, int count, long position) {
        int end = offset + count;
        int i = offset;
        while (i < end) {
            if (remaining == 0) {
                // Most input is ASCII: skip it quickly, eight bytes at a time.
                while (i + 8 <= end && ((long) LONGS.get(bytes, i) & 0x8080808080808080L) == 0) {
                    i += 8;
                }
                while (i < end && bytes[i] >= 0) {
                    i++;
                }
                if (i == end) {
                    break;
                }
                int b = bytes[i] & 0xff;
                length = 0;
                sequence[length++] = b;
                low = 0x80;
                high = 0xBF;
                if (b >= 0xC2 && b <= 0xDF) {
                    remaining = 1;
                } else if (b >= 0xE0 && b <= 0xEF) {
                    remaining = 2;
                    low = b == 0xE0 ? 0xA0 : 0x80;
                    high = b == 0xED ? 0x9F : 0xBF;
                } else if (b >= 0xF0 && b <= 0xF4) {
                    remaining = 3;
                    low = b == 0xF0 ? 0x90 : 0x80;
                    high = b == 0xF4 ? 0x8F : 0xBF;
                } else {
                    return position + (i - offset);
                }
                i++;
            } else {
                int b = bytes[i] & 0xff;
                sequence[length++] = b;
                if (b < low || b > high) {
                    return position + (i - offset) - (length - 1);
                }
                low = 0x80;
                high = 0xBF;
                remaining--;
                i++;
            }
        }
        return -1;
    }

    /** The bytes of the sequence found invalid, as {@code 0xc0 0x80}. */
    String sequence() {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < length; i++) {
            text.append(i == 0 ? "" : " ").append(String.format("0x%02x", sequence[i]));
        }
        return text.toString();
    }
}
