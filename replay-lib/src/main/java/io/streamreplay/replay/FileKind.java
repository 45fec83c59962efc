package io.streamreplay.replay;

/** What a replay file records, with its one-byte code in the file header. */
enum FileKind {
    STREAM(1, "stream"),
    PASSIVE_STREAM(2, "passive stream"),
    SOURCE(3, "source"),
    /** The ticks of the loop iterations that read the clock and recorded nothing else (format 2). */
    TIME(4, "time");

    final byte code;
    final String label;

    FileKind(int code, String label) {
        this.code = (byte) code;
        this.label = label;
    }

    static FileKind of(int code) {
        for (FileKind kind : values()) {
            if (kind.code == code) {
                return kind;
            }
        }
        return null;
    }
}
