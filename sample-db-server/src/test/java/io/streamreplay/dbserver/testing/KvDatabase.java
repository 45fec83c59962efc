package io.streamreplay.dbserver.testing;

/**
 * The database the process-level tests serve: {@code kvdb}, one table {@code kv} of rows with a unique
 * {@code name}, an integer {@code value} and a set of string {@code tags}.
 */
public final class KvDatabase {

    /** The schema, as a {@code .ovsschema} file holds it. */
    public static final String SCHEMA = "{\"name\":\"kvdb\",\"version\":\"1.0.0\",\"tables\":{\"kv\":{\"columns\":{"
            + "\"name\":{\"type\":\"string\"},\"value\":{\"type\":\"integer\"},"
            + "\"tags\":{\"type\":{\"key\":\"string\",\"min\":0,\"max\":\"unlimited\"}}},"
            + "\"indexes\":[[\"name\"]]}}}";

    private KvDatabase() {
    }
}
