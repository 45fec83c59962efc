package io.streamreplay.replay;

import java.util.Locale;

/**
 * The kind of one record in a replay file, and its one-byte code on disk. See {@code docs/replay-format.md} for
 * each payload. Immutable.
 */
public enum RecordType {
    OPEN_OK(1, "open"),
    OPEN_ERROR(2, "open"),
    CONNECT_OK(3, "connect"),
    CONNECT_ERROR(4, "connect"),
    RECV_DATA(5, "recv"),
    RECV_EOF(6, "recv"),
    RECV_ERROR(7, "recv"),
    SEND_OK(8, "send"),
    SEND_ERROR(9, "send"),
    LISTEN_OK(10, "listen"),
    LISTEN_ERROR(11, "listen"),
    ACCEPT_OK(12, "accept"),
    ACCEPT_ERROR(13, "accept"),
    VALUE(14, "value"),
    SEND_SHUTDOWN(15, "send"),
    /**
     * A loop iteration that read the clock and recorded nothing else (format 2): its record's time is the time the
     * iteration saw. Iterations that record events are marked on their first event instead.
     */
    TICK(16, "tick");

    private static final RecordType[] BY_CODE = new RecordType[32];

    static {
        for (RecordType type : values()) {
            BY_CODE[type.code] = type;
        }
    }

    final byte code;
    /** The operation the record answers, as logs and messages name it. */
    final String operation;

    RecordType(int code, String operation) {
        this.code = (byte) code;
        this.operation = operation;
    }

    /** The type with {@code code}, or null if none. */
    static RecordType of(int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }

    /** The name tools show: {@code recv-data}, {@code send-ok}, {@code accept-error}, ... */
    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The operation the record answers: {@code open}, {@code connect}, {@code recv}, {@code send}, ... */
    public String operation() {
        return operation;
    }

    /** Whether the payload is a recorded error. */
    public boolean isError() {
        return this == OPEN_ERROR || this == CONNECT_ERROR || this == RECV_ERROR || this == SEND_ERROR
                || this == LISTEN_ERROR || this == ACCEPT_ERROR;
    }
}
