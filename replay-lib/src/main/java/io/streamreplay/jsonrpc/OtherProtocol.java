package io.streamreplay.jsonrpc;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/**
 * Tells a peer that speaks another protocol (an HTTP client, a TLS client on a plain port, SSH) from one that sends
 * malformed JSON, by the first bytes of the stream: JSON-RPC as OVSDB speaks it begins with an opening brace or
 * bracket, after optional white space. Stateless.
 */
final class OtherProtocol {

    private OtherProtocol() {
    }

    /**
     * What the peer seems to be, from the first bytes it sent, as the text of an error; null if they begin like
     * JSON, so that a parse error is a JSON error.
     */
    static String describe(byte[] opening) {
        int start = 0;
        while (start < opening.length && isSpace(opening[start])) {
            start++;
        }
        if (start == opening.length || opening[start] == '{' || opening[start] == '[') {
            return null;
        }
        String guess = "";
        if (opening.length - start >= 2 && opening[start] == 0x16 && opening[start + 1] == 0x03) {
            guess = " (a TLS handshake: a TLS client on a port that is not pssl:)";
        } else if (text(opening, start).matches("(?s)(GET|POST|PUT|HEAD|DELETE|OPTIONS|PATCH|CONNECT) .*")) {
            guess = " (an HTTP client)";
        } else if (text(opening, start).startsWith("SSH-")) {
            guess = " (an SSH client)";
        }
        return "the peer does not speak JSON-RPC: it began with " + shown(opening, start) + guess;
    }

    private static boolean isSpace(byte b) {
        return b == ' ' || b == '\t' || b == '\r' || b == '\n';
    }

    private static String text(byte[] bytes, int start) {
        return new String(bytes, start, bytes.length - start, StandardCharsets.ISO_8859_1);
    }

    /** The bytes as quoted text up to the first line end, if printable; otherwise as hex. */
    private static String shown(byte[] bytes, int start) {
        int end = start;
        while (end < bytes.length && bytes[end] >= 0x20 && bytes[end] < 0x7f) {
            end++;
        }
        boolean lineEnd = end == bytes.length || bytes[end] == '\r' || bytes[end] == '\n';
        if (end > start && lineEnd) {
            return "'" + new String(bytes, start, end - start, StandardCharsets.US_ASCII) + "'";
        }
        return "bytes " + HexFormat.ofDelimiter(" ").formatHex(bytes, start, bytes.length);
    }
}
