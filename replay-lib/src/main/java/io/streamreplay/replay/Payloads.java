package io.streamreplay.replay;

import io.streamreplay.stream.InvalidStreamNameException;
import java.io.EOFException;
import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;

/**
 * The payloads of the record types, encoded and decoded in one place, beside {@link ReplayFormat}; the layouts are
 * those of {@code docs/replay-format.md}. All integers big-endian, all text UTF-8. Stateless.
 */
final class Payloads {

    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    private Payloads() {
    }

    /** No payload: {@code recv-eof}, {@code send-shutdown}, {@code open-ok}. */
    static ByteBuffer empty() {
        return EMPTY.duplicate();
    }

    /** Text ({@code connect-ok}'s peer, {@code listen-ok}'s bound name). */
    static ByteBuffer text(String text) {
        return ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
    }

    /** The text of a {@link #text(String)} payload. */
    static String text(byte[] payload) {
        return new String(payload, StandardCharsets.UTF_8);
    }

    /** {@code send-ok}: the bytes the stream accepted (u32) and their CRC-32C (u32); the bytes are not recorded. */
    static ByteBuffer sendOk(int length, int crc) {
        return ByteBuffer.allocate(8).putInt(length).putInt(crc).flip();
    }

    /** The byte count of a {@code send-ok} payload. */
    static int sentLength(byte[] payload) {
        return ByteBuffer.wrap(payload).getInt(0);
    }

    /** The CRC-32C of a {@code send-ok} payload. */
    static int sentDigest(byte[] payload) {
        return ByteBuffer.wrap(payload).getInt(4);
    }

    /** An accepted stream: the name its listener gave it, and its peer (empty if unknown). */
    record Accepted(String name, String peer) {
    }

    /** {@code accept-ok}: the accepted stream's name's length (u16), its name, then its peer. */
    static ByteBuffer accepted(String name, String peer) {
        return prefixed(name, peer);
    }

    /** The stream an {@code accept-ok} payload names. */
    static Accepted accepted(byte[] payload) {
        String[] fields = prefixed(payload);
        return new Accepted(fields[0], fields[1]);
    }

    /**
     * An error ({@code *-error}): the exception's class name's length (u16), the class name, then its message; so
     * that a replayed failure has the recorded message and, for the common kinds, the recorded class (code may react
     * to {@code ConnectException} differently from other failures).
     */
    static ByteBuffer error(IOException error) {
        return prefixed(error.getClass().getName(), error.getMessage() == null ? "" : error.getMessage());
    }

    /** The recorded error as people read it: {@code class: message}, or the class alone. */
    static String errorText(byte[] payload) {
        String[] fields = prefixed(payload);
        return fields[1].isEmpty() ? fields[0] : fields[0] + ": " + fields[1];
    }

    /** The exception an error payload describes; unknown classes become plain {@link IOException}s. */
    static IOException errorOf(byte[] payload) {
        String[] fields = prefixed(payload);
        String message = fields[1];
        return switch (fields[0]) {
            case "java.io.EOFException" -> new EOFException(message);
            case "java.net.ConnectException" -> new ConnectException(message);
            case "java.net.BindException" -> new BindException(message);
            case "java.net.NoRouteToHostException" -> new NoRouteToHostException(message);
            case "java.net.SocketException" -> new SocketException(message);
            case "java.net.SocketTimeoutException" -> new SocketTimeoutException(message);
            case "java.net.UnknownHostException" -> new UnknownHostException(message);
            case "javax.net.ssl.SSLHandshakeException" -> new SSLHandshakeException(message);
            case "javax.net.ssl.SSLException" -> new SSLException(message);
            case "io.streamreplay.stream.InvalidStreamNameException" -> {
                int colon = message.indexOf(": ");
                yield colon < 0 ? new IOException(message)
                        : new InvalidStreamNameException(message.substring(0, colon), message.substring(colon + 2));
            }
            default -> new IOException(message);
        };
    }

    /** Two texts: the first's length (u16), the first, the second. */
    private static ByteBuffer prefixed(String first, String second) {
        byte[] a = first.getBytes(StandardCharsets.UTF_8);
        byte[] b = second.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(2 + a.length + b.length).putShort((short) a.length).put(a).put(b).flip();
    }

    private static String[] prefixed(byte[] payload) {
        int length = ByteBuffer.wrap(payload).getShort() & 0xffff;
        return new String[] {new String(payload, 2, length, StandardCharsets.UTF_8),
                new String(payload, 2 + length, payload.length - 2 - length, StandardCharsets.UTF_8)};
    }
}
