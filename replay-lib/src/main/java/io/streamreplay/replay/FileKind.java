package io.streamreplay.replay;

/** What a replay file records, with its one-byte code in the file header. */
enum FileKind {
    STREAM(1, "stream"),
    PASSIVE_STREAM(2, "passive stream"),
    SOURCE(3, "source");

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
