package io.streamreplay.tool.drive;

import java.util.Locale;

/** How the drive writes numbers and excerpts for people. */
final class Format {

    /** Characters of a message shown at most in an excerpt. */
    static final int EXCERPT = 240;

    private Format() {
    }

    /** {@code 2}, {@code 0.5}, {@code 1.25}: at most three decimals, none trailing. */
    static String number(double value) {
        String text = String.format(Locale.ROOT, "%.3f", value);
        text = text.replaceAll("0+$", "");
        return text.endsWith(".") ? text.substring(0, text.length() - 1) : text;
    }

    /** Nanoseconds as seconds, {@code 1.234 s}. */
    static String seconds(long nanos) {
        return String.format(Locale.ROOT, "%.3f s", nanos / 1e9);
    }

    /** {@code text}, cut to {@link #EXCERPT} characters with an ellipsis and the length left out. */
    static String excerpt(String text) {
        if (text.length() <= EXCERPT) {
            return text;
        }
        return text.substring(0, EXCERPT) + "... (" + (text.length() - EXCERPT) + " more characters)";
    }
}
