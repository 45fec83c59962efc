package io.streamreplay.dbserver.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.streamreplay.dbserver.data.Database;
import io.streamreplay.dbserver.data.Row;
import io.streamreplay.dbserver.data.UuidGenerator;
import io.streamreplay.dbserver.protocol.OvsdbException;
import io.streamreplay.dbserver.schema.DatabaseSchema;
import io.streamreplay.dbserver.txn.PreparedTransaction;
import io.streamreplay.dbserver.txn.Transaction;
import io.streamreplay.jsonrpc.Json;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A backup's reading of the active's {@code <table-updates>}, applied as one transaction. */
class TableUpdatesTest {

    private static final String SCHEMA = "{\"name\":\"kvdb\",\"tables\":{\"kv\":{\"columns\":{"
            + "\"name\":{\"type\":\"string\"},\"value\":{\"type\":\"integer\"}},\"isRoot\":true},"
            + "\"scratch\":{\"columns\":{\"n\":{\"type\":\"integer\"}},\"isRoot\":true}}}";
    private static final String A = "aaaaaaaa-0000-4000-8000-000000000001";
    private static final String B = "bbbbbbbb-0000-4000-8000-000000000002";
    private static final String S = "cccccccc-0000-4000-8000-000000000003";

    private final UuidGenerator uuids = new UuidGenerator(7);
    private Database db;

    @BeforeEach
    void createDatabase() throws Exception {
        db = new Database(DatabaseSchema.fromJson(Json.parse(SCHEMA)));
        apply("{\"kv\":{\"" + A + "\":{\"new\":{\"name\":\"a\",\"value\":1,\"_version\":[\"uuid\","
                + "\"dddddddd-0000-4000-8000-000000000004\"]}},\"" + B + "\":{\"new\":{\"name\":\"b\"}}},"
                + "\"scratch\":{\"" + S + "\":{\"new\":{\"n\":5}}}}", null);
    }

    private void apply(String updates, ExcludedTables replaceAllBut) throws Exception {
        Transaction txn = new Transaction(db, uuids);
        TableUpdates.apply(txn, db, Json.parse(updates), replaceAllBut);
        PreparedTransaction prepared = txn.prepare();
        db.apply(prepared.changes());
    }

    private Row row(String table, String uuid) {
        return db.table(table).get(UUID.fromString(uuid));
    }

    @Test
    void insertedRowsKeepTheActivesUuidsAndGetTheirOwnVersions() {
        Row a = row("kv", A);
        assertEquals("a", value(a, "kv", "name"));
        assertEquals(1L, value(a, "kv", "value"));
        assertEquals(0L, value(row("kv", B), "kv", "value"), "a column left out takes its default");
        assertNotEquals(UUID.fromString("dddddddd-0000-4000-8000-000000000004"), value(a, "kv", "_version"),
                "the active's _version");
    }

    @Test
    void aModifiedRowTakesItsNewColumnsAndADeletedRowGoes() throws Exception {
        apply("{\"kv\":{\"" + A + "\":{\"old\":{\"value\":1},\"new\":{\"name\":\"a\",\"value\":2}},\"" + B
                + "\":{\"old\":{\"name\":\"b\",\"value\":0}}}}", null);
        assertEquals(2L, value(row("kv", A), "kv", "value"));
        assertNull(row("kv", B));
        assertEquals(5L, value(row("scratch", S), "scratch", "n"));
    }

    @Test
    void theFirstReplyReplacesEveryTableButTheExcludedOnes() throws Exception {
        apply("{\"kv\":{\"" + B + "\":{\"new\":{\"name\":\"b\",\"value\":3}}}}", ExcludedTables.parse(
                "kvdb:scratch"));
        assertNull(row("kv", A), "a row the active no longer has");
        assertEquals(3L, value(row("kv", B), "kv", "value"));
        assertEquals(5L, value(row("scratch", S), "scratch", "n"), "an excluded table is left alone");
        apply("{}", ExcludedTables.NONE);
        assertEquals(0, db.table("kv").size() + db.table("scratch").size(), "nothing excluded: all replaced");
    }

    @Test
    void theFirstReplyResetsColumnsItDoesNotCarryToTheirDefaults() throws Exception {
        apply("{\"kv\":{\"" + A + "\":{\"new\":{\"name\":\"a\"}}}}", ExcludedTables.NONE);
        assertEquals(0L, value(row("kv", A), "kv", "value"), "a column the active did not send, on a replaced row");
        apply("{\"kv\":{\"" + A + "\":{\"new\":{\"name\":\"a2\"}}}}", null);
        assertEquals(0L, value(row("kv", A), "kv", "value"));
        apply("{\"kv\":{\"" + A + "\":{\"new\":{\"value\":9}}}}", null);
        apply("{\"kv\":{\"" + A + "\":{\"new\":{\"name\":\"a3\"}}}}", null);
        assertEquals(9L, value(row("kv", A), "kv", "value"), "an update after it changes only what it carries");
    }

    @Test
    void updatesThatCannotBeReadAreRefusedWithOvsdbServersWords() {
        assertEquals("unknown table nope", refusal("{\"nope\":{}}"));
        assertEquals("<table-update> for table is not object", refusal("{\"kv\":1}"));
        assertEquals("<row-update> is not object", refusal("{\"kv\":{\"" + A + "\":1}}"));
        assertEquals("<table-update> names must be UUIDs", refusal("{\"kv\":{\"x\":{\"new\":{}}}}"));
        assertEquals("No column bogus in table kv.", refusal("{\"kv\":{\"" + A + "\":{\"new\":{\"bogus\":1}}}}"));
    }

    private String refusal(String updates) {
        return assertThrows(OvsdbException.class, () -> TableUpdates.apply(new Transaction(db, uuids), db,
                Json.parse(updates), null)).details();
    }

    private Object value(Row row, String table, String column) {
        return row.get(db.table(table).schema().column(column).index()).scalar();
    }
}
