package io.streamreplay.tool.drive;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Which UUID the target made for each UUID the recorded server made: a one-to-one map, learned as live replies are
 * compared with the recorded ones, so that a later request naming a recorded UUID is sent naming the target's.
 * Bindings can be tried and undone ({@link #mark()}, {@link #rollback}) while matching rows. Not thread-safe.
 */
final class UuidMap {

    /** The length of a UUID in text: 8-4-4-4-12 hexadecimal digits. */
    static final int LENGTH = 36;

    private final Map<String, String> toLive = new HashMap<>();
    private final Map<String, String> toRecorded = new HashMap<>();
    private final List<String> bound = new ArrayList<>();

    /** Whether {@code text} is a UUID in text form. */
    static boolean isUuid(String text) {
        if (text.length() != LENGTH) {
            return false;
        }
        for (int i = 0; i < LENGTH; i++) {
            char c = text.charAt(i);
            boolean dash = i == 8 || i == 13 || i == 18 || i == 23;
            if (dash ? c != '-' : Character.digit(c, 16) < 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * Binds {@code recorded} to {@code live}, or checks the binding already made.
     *
     * @return false if either is bound to another UUID already
     */
    boolean bind(String recorded, String live) {
        String known = toLive.get(recorded);
        if (known != null) {
            return known.equals(live);
        }
        if (toRecorded.containsKey(live)) {
            return false;
        }
        toLive.put(recorded, live);
        toRecorded.put(live, recorded);
        bound.add(recorded);
        return true;
    }

    /** The target's UUID for {@code recorded}, or null if none is known. */
    String live(String recorded) {
        return toLive.get(recorded);
    }

    /** Whether {@code live} is the target's UUID for some recorded one. */
    boolean isBoundLive(String live) {
        return toRecorded.containsKey(live);
    }

    /** How many bindings are known. */
    int size() {
        return bound.size();
    }

    /** A point to {@link #rollback} to. */
    int mark() {
        return bound.size();
    }

    /** Undoes every binding made since {@code mark}. */
    void rollback(int mark) {
        while (bound.size() > mark) {
            String recorded = bound.remove(bound.size() - 1);
            toRecorded.remove(toLive.remove(recorded));
        }
    }

    /**
     * {@code bytes} of a JSON text with every quoted recorded UUID that is bound replaced by the target's (same
     * length); {@code bytes} itself if there is none.
     */
    byte[] rewrite(byte[] bytes) {
        if (toLive.isEmpty()) {
            return bytes;
        }
        byte[] out = bytes;
        for (int i = 0; i + LENGTH + 1 < bytes.length; i++) {
            if (bytes[i] != '"' || bytes[i + LENGTH + 1] != '"') {
                continue;
            }
            String candidate = new String(bytes, i + 1, LENGTH, StandardCharsets.US_ASCII);
            String live = isUuid(candidate) ? toLive.get(candidate) : null;
            if (live != null) {
                if (out == bytes) {
                    out = bytes.clone();
                }
                System.arraycopy(live.getBytes(StandardCharsets.US_ASCII), 0, out, i + 1, LENGTH);
                i += LENGTH + 1;
            }
        }
        return out;
    }
}
