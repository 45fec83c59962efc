package io.streamreplay.tool.text;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/**
 * A payload as one line of text: printable UTF-8 as text (with {@code \n}, {@code \r}, {@code \t} and {@code \\}
 * escaped so that one event stays on one line), anything else as {@code hex:} followed by its bytes. Stateless.
 */
public final class PayloadText {

    private PayloadText() {
    }

    /** Whether {@code payload} is UTF-8 text with no control characters but tab, CR and LF. */
    public static boolean isText(byte[] payload) {
        String text = decode(payload);
        return text != null && text.codePoints().noneMatch(c -> Character.isISOControl(c) && c != '\t' && c != '\n'
                && c != '\r');
    }

    /** {@code payload} as a line, cut after {@code limit} characters (0: no limit), saying how much was cut. */
    public static String of(byte[] payload, int limit) {
        if (isText(payload)) {
            String text = decode(payload);
            boolean cut = limit > 0 && text.length() > limit;
            String shown = escape(cut ? text.substring(0, limit) : text);
            return cut ? shown + "... (" + (text.length() - limit) + " more characters)" : shown;
        }
        int bytes = limit > 0 ? Math.min(payload.length, Math.max(1, limit / 2)) : payload.length;
        String hex = "hex:" + HexFormat.of().formatHex(payload, 0, bytes);
        return bytes < payload.length ? hex + "... (" + (payload.length - bytes) + " more bytes)" : hex;
    }

    /** {@code payload} as a string if it is valid UTF-8, else null. */
    public static String decode(byte[] payload) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(payload)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    private static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length() + 8);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
