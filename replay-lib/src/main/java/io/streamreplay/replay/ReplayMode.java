package io.streamreplay.replay;

/** What a process does with its streams' inputs. */
public enum ReplayMode {
    /** Live operation, nothing recorded. */
    NONE,
    /** Live operation, every input recorded to a directory. */
    RECORD,
    /** No sockets: every input comes from a recording. */
    REPLAY
}
