package io.streamreplay.replay;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The most a recording may hold: bytes of its replay files and events. When the next event would pass either, the
 * recording stops at the event before it, cleanly: its manifest says {@code truncated}, naming the bound, and the
 * process goes on unrecorded ({@link ReplayContext#record(java.nio.file.Path, String, java.util.List,
 * RecordingFailurePolicy, RecordingBounds)}).
 *
 * <p>Immutable.
 *
 * @param maxBytes the most bytes the recording's replay files ({@code *.srr}: every stream's, source's and the
 *     ticks' file, headers included) may hold together, or {@link Long#MAX_VALUE} for no bound; the manifest and
 *     the copies of the starting files are not counted
 * @param maxEvents the most events (sequence numbers) the recording may hold, or {@link Long#MAX_VALUE}
 * @param sizeText the size bound as the user gave it ({@code 512M}), for messages; null when there is none
 */
public record RecordingBounds(long maxBytes, long maxEvents, String sizeText) {

    /** No bound: the recording grows as long as the process runs. */
    public static final RecordingBounds NONE = new RecordingBounds(Long.MAX_VALUE, Long.MAX_VALUE, null);

    /** The option that bounds the size, as messages and the manifest name it. */
    static final String MAX_SIZE_OPTION = "--replay-record-max-size";
    /** The option that bounds the number of events. */
    static final String MAX_EVENTS_OPTION = "--replay-record-max-events";

    private static final Pattern SIZE = Pattern.compile("(\\d+)([KMGT]?)(I?B)?", Pattern.CASE_INSENSITIVE);

    public RecordingBounds {
        if (maxBytes < 0 || maxEvents < 0) {
            throw new IllegalArgumentException("a bound cannot be negative");
        }
    }

    /** This bound with at most {@code bytes} bytes of replay files, given as {@code text}. */
    public RecordingBounds withMaxSize(long bytes, String text) {
        return new RecordingBounds(bytes, maxEvents, text);
    }

    /** This bound with at most {@code events} events. */
    public RecordingBounds withMaxEvents(long events) {
        return new RecordingBounds(maxBytes, events, sizeText);
    }

    /** Whether any bound is set. */
    public boolean bounded() {
        return maxBytes != Long.MAX_VALUE || maxEvents != Long.MAX_VALUE;
    }

    /**
     * Reads a size in bytes: digits, then optionally {@code K}, {@code M}, {@code G} or {@code T} (powers of 1024),
     * optionally followed by {@code B} or {@code iB}: {@code 512M}, {@code 2G}, {@code 1048576}, {@code 64KiB}.
     *
     * @throws IllegalArgumentException saying what is wrong with {@code text}
     */
    public static long parseSize(String text) {
        Matcher matcher = SIZE.matcher(text.strip());
        if (!matcher.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a size (such as 512M, 2G or 1048576)");
        }
        int shift = switch (matcher.group(2).toUpperCase(Locale.ROOT)) {
            case "K" -> 10;
            case "M" -> 20;
            case "G" -> 30;
            case "T" -> 40;
            default -> 0;
        };
        long value;
        try {
            value = Long.parseLong(matcher.group(1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is too large a size");
        }
        if (value > Long.MAX_VALUE >> shift) {
            throw new IllegalArgumentException("'" + text + "' is too large a size");
        }
        return value << shift;
    }

    /** The size bound as an option, for messages and the manifest: {@code --replay-record-max-size=512M}. */
    String sizeBound() {
        return MAX_SIZE_OPTION + "=" + (sizeText != null ? sizeText : Long.toString(maxBytes));
    }

    /** The events bound as an option: {@code --replay-record-max-events=100000}. */
    String eventsBound() {
        return MAX_EVENTS_OPTION + "=" + maxEvents;
    }
}
