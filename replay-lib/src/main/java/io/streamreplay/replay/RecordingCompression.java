package io.streamreplay.replay;

import java.util.Locale;

/**
 * How a recording stores the blocks of its replay files ({@code --replay-record-compress}). Compression is decided
 * block by block: a block that Zstandard does not make smaller is stored as it is, so compression never makes a
 * recording larger, and a block larger than a writer's buffer (one record of more than about 64 KiB) is stored as it
 * is. Either way every block has its checksum; a replay reads both.
 */
public enum RecordingCompression {
    /** Blocks stored as they are. */
    NONE,
    /** Blocks compressed with Zstandard (level 1, the fastest of the normal levels), where that makes them smaller. */
    ZSTD;

    /** What a recording uses unless told otherwise. */
    public static final RecordingCompression DEFAULT = NONE;

    /** The option that chooses it. */
    static final String OPTION = "--replay-record-compress";

    /** The compression {@code text} names: {@code zstd} or {@code none}, in any case. */
    public static RecordingCompression parse(String text) {
        return switch (text.strip().toLowerCase(Locale.ROOT)) {
            case "zstd" -> ZSTD;
            case "none" -> NONE;
            default -> throw new IllegalArgumentException("'" + text + "' is neither zstd nor none");
        };
    }

    /** Its name as the option takes it. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
