package io.streamreplay.dbserver.txn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamreplay.dbserver.data.Database;
import io.streamreplay.dbserver.data.UuidGenerator;
import io.streamreplay.dbserver.protocol.OvsdbException;
import io.streamreplay.dbserver.schema.DatabaseSchema;
import io.streamreplay.jsonrpc.Json;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code transact} semantics on the data layer: results and errors as Open vSwitch words them, and the commit-time
 * rules (references, garbage collection, weak references, maxRows, indexes).
 */
class ExecutorTest {

    static final String SCHEMA = "{\"name\":\"db\",\"tables\":{"
            + "\"Bridge\":{\"columns\":{\"name\":{\"type\":\"string\"},"
            + "\"ports\":{\"type\":{\"key\":{\"type\":\"uuid\",\"refTable\":\"Port\"},\"min\":0,\"max\":\"unlimited\"}},"
            + "\"mirror\":{\"type\":{\"key\":{\"type\":\"uuid\",\"refTable\":\"Port\",\"refType\":\"weak\"},"
            + "\"min\":0,\"max\":1}},"
            + "\"mode\":{\"type\":{\"key\":{\"type\":\"string\",\"enum\":[\"set\",[\"secure\",\"standalone\"]]},"
            + "\"min\":0,\"max\":1}},"
            + "\"ext\":{\"type\":{\"key\":\"string\",\"value\":\"string\",\"min\":0,\"max\":\"unlimited\"}},"
            + "\"n\":{\"type\":{\"key\":{\"type\":\"integer\",\"minInteger\":0,\"maxInteger\":100}}},"
            + "\"fixed\":{\"type\":\"string\",\"mutable\":false}},"
            + "\"indexes\":[[\"name\"]],\"isRoot\":true},"
            + "\"Port\":{\"columns\":{\"name\":{\"type\":\"string\"}}},"
            + "\"Single\":{\"columns\":{\"x\":{\"type\":\"integer\"}},\"maxRows\":1,\"isRoot\":true}}}";

    private Database db;
    private final UuidGenerator uuids = new UuidGenerator(1);

    @BeforeEach
    void createDatabase() throws Exception {
        db = new Database(DatabaseSchema.fromJson(Json.parse(SCHEMA)));
    }

    private JsonNode transact(String... operations) throws Exception {
        List<JsonNode> ops = new ArrayList<>();
        for (String op : operations) {
            ops.add(Json.parse(op));
        }
        Executor.Outcome outcome = new Executor(db, uuids, false, lock -> lock.equals("mine"), 0).execute(ops);
        assertFalse(outcome.parked());
        if (outcome.prepared() != null) {
            db.apply(outcome.prepared().changes());
        }
        return outcome.results();
    }

    private static String error(JsonNode result) {
        return result.path("error").asText() + ": " + result.path("details").asText();
    }

    private int rows(String table) {
        return db.table(table).size();
    }

    @Test
    void laterOperationsSeeEarlierOnesAndNamedUuidsResolveForward() throws Exception {
        JsonNode results = transact(
                "{\"op\":\"insert\",\"table\":\"Bridge\",\"row\":{\"name\":\"br0\",\"ports\":[\"named-uuid\",\"p\"]}}",
                "{\"op\":\"insert\",\"table\":\"Port\",\"uuid-name\":\"p\",\"row\":{\"name\":\"eth0\"}}",
                "{\"op\":\"select\",\"table\":\"Bridge\",\"where\":[[\"name\",\"==\",\"br0\"]],\"columns\":[\"ports\"]}");
        assertEquals(results.get(1).get("uuid"), results.get(2).get("rows").get(0).get("ports"));
        assertEquals(1, rows("Port"));
    }

    @Test
    void theFirstFailureStopsTheRestAndCommitsNothing() throws Exception {
        JsonNode results = transact("{\"op\":\"insert\",\"table\":\"Port\",\"row\":{\"name\":\"a\"}}",
                "{\"op\":\"frob\",\"table\":\"Port\"}",
                "{\"op\":\"insert\",\"table\":\"Port\",\"row\":{\"name\":\"b\"}}");
        assertEquals(3, results.size());
        assertEquals("syntax error: Parsing ovsdb operation 2 of 3 failed: No operation \"frob\"",
                error(results.get(1)));
        assertTrue(results.get(2).isNull());
        assertEquals(0, rows("Port"));
    }

    @Test
    void membersAreCheckedStrictly() throws Exception {
        assertEquals("syntax error: Parsing ovsdb operation 1 of 1 failed: Required 'where' member is missing.",
                error(transact("{\"op\":\"delete\",\"table\":\"Port\"}").get(0)));
        assertEquals("syntax error: Parsing ovsdb operation 1 of 1 failed: Member 'bogus' is present but not"
                + " allowed here.",
                error(transact("{\"op\":\"delete\",\"table\":\"Port\",\"where\":[],"
                        + "\"bogus\":1}").get(0)));
        assertEquals("syntax error: Parsing ovsdb operation 1 of 1 failed: No table named Nope.",
                error(transact("{\"op\":\"delete\",\"table\":\"Nope\",\"where\":[]}").get(0)));
        assertEquals("unknown column: No column color in table Port.",
                error(transact("{\"op\":\"select\",\"table\":\"Port\",\"where\":[[\"color\",\"==\",1]]}").get(0)));
        assertEquals("unknown function: No function named ~=.",
                error(transact("{\"op\":\"select\",\"table\":\"Port\",\"where\":[[\"name\",\"~=\",\"a\"]]}").get(0)));
    }

    @Test
    void valuesAreCheckedAgainstTheirTypes() throws Exception {
        assertEquals("constraint violation: bogus is not one of the allowed values ([secure, standalone])",
                error(transact("{\"op\":\"insert\",\"table\":\"Bridge\",\"row\":{\"mode\":\"bogus\"}}").get(0)));
        assertEquals("constraint violation: 101 is not in the valid range 0 to 100 (inclusive)",
                error(transact("{\"op\":\"insert\",\"table\":\"Bridge\",\"row\":{\"n\":101}}").get(0)));
        assertEquals("syntax error: expected integer",
                error(transact("{\"op\":\"insert\",\"table\":\"Bridge\",\"row\":{\"n\":\"x\"}}").get(0)));
        assertEquals("ovsdb error: set contains duplicate", error(transact("{\"op\":\"insert\",\"table\":"
                + "\"Bridge\",\"row\":{\"ports\":[\"set\",[[\"named-uuid\",\"a\"],[\"named-uuid\",\"a\"]]]}}")
                .get(0)));
        assertEquals("constraint violation: Cannot update immutable column fixed in table Bridge.",
                error(transact("{\"op\":\"update\",\"table\":\"Bridge\",\"where\":[],\"row\":{\"fixed\":\"x\"}}")
                        .get(0)));
        // Integral reals are integers on the wire.
        assertFalse(transact("{\"op\":\"insert\",\"table\":\"Bridge\",\"row\":{\"n\":3.0}}").get(0).has("error"));
    }

    @Test
    void referencesToMissingRowsAndDeletesOfReferencedRowsFailAtCommit() throws Exception {
        JsonNode dangling = transact("{\"op\":\"insert\",\"table\":\"Bridge\",\"row\":{\"ports\":[\"uuid\","
                + "\"11111111-2222-3333-4444-555555555555\"]}}");
        assertEquals(2, dangling.size(), "a commit error is an extra result");
        assertTrue(error(dangling.get(1)).startsWith("referential integrity violation: Table Bridge column ports row"),
                dangling.toString());
        transact("{\"op\":\"insert\",\"table\":\"Bridge\",\"row\":{\"name\":\"br\",\"ports\":[\"named-uuid\",\"p\"]}}",
                "{\"op\":\"insert\",\"table\":\"Port\",\"uuid-name\":\"p\",\"row\":{\"name\":\"p\"}}");
        JsonNode delete = transact("{\"op\":\"delete\",\"table\":\"Port\",\"where\":[]}");
        assertTrue(error(delete.get(1)).matches("referential integrity violation: cannot delete Port row .* because"
                + " of 1 remaining reference\\(s\\)"), delete.toString());
    }

    @Test
    void unreferencedNonRootRowsAreCollected() throws Exception {
        transact("{\"op\":\"insert\",\"table\":\"Port\",\"row\":{\"name\":\"orphan\"}}");
        assertEquals(0, rows("Port"), "a non-root row nobody references does not survive its transaction");
        transact("{\"op\":\"insert\",\"table\":\"Bridge\",\"row\":{\"name\":\"br\",\"ports\":[\"named-uuid\",\"p\"]}}",
                "{\"op\":\"insert\",\"table\":\"Port\",\"uuid-name\":\"p\",\"row\":{\"name\":\"p\"}}");
        assertEquals(1, rows("Port"));
        transact("{\"op\":\"update\",\"table\":\"Bridge\",\"where\":[],\"row\":{\"ports\":[\"set\",[]]}}");
        assertEquals(0, rows("Port"), "dropping the last reference collects the row");
    }

    @Test
    void weakReferencesToDeletedRowsDisappear() throws Exception {
        transact("{\"op\":\"insert\",\"table\":\"Bridge\",\"row\":{\"name\":\"br\",\"ports\":[\"named-uuid\",\"p\"],"
                + "\"mirror\":[\"named-uuid\",\"p\"]}}",
                "{\"op\":\"insert\",\"table\":\"Port\",\"uuid-name\":\"p\",\"row\":{\"name\":\"p\"}}");
        transact("{\"op\":\"update\",\"table\":\"Bridge\",\"where\":[],\"row\":{\"ports\":[\"set\",[]]}}");
        JsonNode mirror = transact("{\"op\":\"select\",\"table\":\"Bridge\",\"where\":[],\"columns\":[\"mirror\"]}");
        assertEquals("[\"set\",[]]", mirror.get(0).get("rows").get(0).get("mirror").toString());
    }

    @Test
    void indexesAndMaxRowsAreEnforced() throws Exception {
        transact("{\"op\":\"insert\",\"table\":\"Bridge\",\"row\":{\"name\":\"a\"}}");
        JsonNode duplicate = transact("{\"op\":\"insert\",\"table\":\"Bridge\",\"row\":{\"name\":\"a\"}}");
        // Open vSwitch's words: the key as it prints values (a bare word needs no quotes), the index's columns.
        assertTrue(error(duplicate.get(1)).startsWith("constraint violation: Transaction causes multiple rows in"
                + " \"Bridge\" table to have identical values (a) for index on column \"name\"."),
                duplicate.toString());
        // Renaming the holder of a key frees it within the same transaction.
        JsonNode swap = transact("{\"op\":\"update\",\"table\":\"Bridge\",\"where\":[[\"name\",\"==\",\"a\"]],"
                + "\"row\":{\"name\":\"b\"}}", "{\"op\":\"insert\",\"table\":\"Bridge\",\"row\":{\"name\":\"a\"}}");
        assertEquals(2, swap.size(), swap.toString());
        JsonNode tooMany = transact("{\"op\":\"insert\",\"table\":\"Single\",\"row\":{}}",
                "{\"op\":\"insert\",\"table\":\"Single\",\"row\":{}}");
        assertEquals("constraint violation: transaction causes \"Single\" table to contain 2 rows, greater than the"
                + " schema-defined limit of 1 row(s)", error(tooMany.get(2)));
    }

    @Test
    void mutationsRunInOrderWithOvsdbSemantics() throws Exception {
        transact("{\"op\":\"insert\",\"table\":\"Bridge\",\"row\":{\"name\":\"a\",\"n\":10,"
                + "\"ext\":[\"map\",[[\"k\",\"old\"]]]}}");
        JsonNode results = transact("{\"op\":\"mutate\",\"table\":\"Bridge\",\"where\":[[\"name\",\"==\",\"a\"]],"
                + "\"mutations\":[[\"ext\",\"insert\",[\"map\",[[\"k\",\"new\"],[\"x\",\"1\"]]]],"
                + "[\"ext\",\"delete\",[\"set\",[\"x\"]]],[\"n\",\"*=\",3],[\"n\",\"-=\",5]]}",
                "{\"op\":\"select\",\"table\":\"Bridge\",\"where\":[],\"columns\":[\"ext\",\"n\"]}");
        assertEquals("{\"count\":1}", results.get(0).toString());
        assertEquals("{\"ext\":[\"map\",[[\"k\",\"old\"]]],\"n\":25}",
                results.get(1).get("rows").get(0).toString(), "insert never overwrites a key");
        assertEquals("domain error: Division by zero.", error(transact("{\"op\":\"mutate\",\"table\":\"Bridge\","
                + "\"where\":[],\"mutations\":[[\"n\",\"/=\",0]]}").get(0)));
        assertEquals("constraint violation: 250 is not in the valid range 0 to 100 (inclusive)",
                error(transact("{\"op\":\"mutate\",\"table\":\"Bridge\",\"where\":[],\"mutations\":"
                        + "[[\"n\",\"*=\",10]]}").get(0)));
        assertEquals("syntax error: Type mismatch: \"+=\" operator may not be applied to column name of type"
                + " string.",
                error(transact("{\"op\":\"mutate\",\"table\":\"Bridge\",\"where\":[],"
                        + "\"mutations\":[[\"name\",\"+=\",1]]}").get(0)));
        assertEquals("range error: Result of \"+=\" operation is out of range.", error(transact("{\"op\":"
                + "\"mutate\",\"table\":\"Bridge\",\"where\":[],\"mutations\":[[\"n\",\"+=\","
                + Long.MAX_VALUE + "]]}").get(0)));
    }

    @Test
    void waitAbortCommentAndAssert() throws Exception {
        assertEquals("timed out: \"where\" clause test failed", error(transact("{\"op\":\"wait\",\"table\":"
                + "\"Bridge\",\"timeout\":0,\"where\":[],\"until\":\"!=\",\"rows\":[]}").get(0)));
        assertEquals("{}", transact("{\"op\":\"wait\",\"table\":\"Bridge\",\"timeout\":0,\"where\":[],"
                + "\"until\":\"==\",\"rows\":[]}").get(0).toString());
        assertEquals("aborted: aborted by request", error(transact("{\"op\":\"insert\",\"table\":\"Bridge\","
                + "\"row\":{}}", "{\"op\":\"abort\"}").get(1)));
        assertEquals(0, rows("Bridge"));
        assertEquals("not owner: Asserted lock theirs not held.",
                error(transact("{\"op\":\"assert\",\"lock\":\"theirs\"}").get(0)));
        assertEquals("{}", transact("{\"op\":\"assert\",\"lock\":\"mine\"}",
                "{\"op\":\"comment\",\"comment\":\"hi\"}").get(1).toString());
    }

    @Test
    void executingPreparesTheTransactionAndLeavesTheDatabaseToTheCaller() throws Exception {
        Executor.Outcome outcome = new Executor(db, uuids, false, lock -> false, 0).execute(List.of(
                Json.parse("{\"op\":\"insert\",\"table\":\"Bridge\",\"row\":{\"name\":\"br0\"}}"),
                Json.parse("{\"op\":\"comment\",\"comment\":\"first\"}"),
                Json.parse("{\"op\":\"comment\",\"comment\":\"second\"}"),
                Json.parse("{\"op\":\"commit\",\"durable\":true}")));
        assertEquals(4, outcome.results().size());
        assertEquals(0, rows("Bridge"), "nothing is applied before the caller applies it");
        PreparedTransaction txn = outcome.prepared();
        assertEquals("first\nsecond", txn.comment());
        assertTrue(txn.durable());
        assertEquals(1, txn.changes().get(db.table("Bridge")).size());
        db.apply(txn.changes());
        assertEquals(1, rows("Bridge"));
    }

    @Test
    void aFailedOperationOrCommitCheckPreparesNothing() throws Exception {
        Executor.Outcome failed = new Executor(db, uuids, false, lock -> false, 0).execute(List.of(
                Json.parse("{\"op\":\"insert\",\"table\":\"Port\",\"row\":{\"name\":\"a\"}}"),
                Json.parse("{\"op\":\"abort\"}")));
        assertNull(failed.prepared());
        Executor.Outcome refused = new Executor(db, uuids, false, lock -> false, 0).execute(List.of(
                Json.parse("{\"op\":\"insert\",\"table\":\"Single\",\"row\":{}}"),
                Json.parse("{\"op\":\"insert\",\"table\":\"Single\",\"row\":{}}")));
        assertNull(refused.prepared());
        assertEquals(3, refused.results().size(), "the failed check is the extra result");
        assertEquals("constraint violation", refused.results().get(2).path("error").asText());
    }

    @Test
    void aCommitThatFailsAddsItsErrorAfterTheOperationsResults() throws Exception {
        Executor.Outcome outcome = new Executor(db, uuids, false, lock -> false, 0).execute(List.of(
                Json.parse("{\"op\":\"insert\",\"table\":\"Port\",\"row\":{\"name\":\"a\"}}")));
        outcome.commitFailed(OvsdbException.io("kv.db: write failed", "No space left on device"));
        assertEquals(2, outcome.results().size());
        assertEquals("I/O error: kv.db: write failed", error(outcome.results().get(1)));
        assertEquals("No space left on device", outcome.results().get(1).path("io-error").asText());
        assertEquals(0, rows("Port"));
    }

    @Test
    void anUnsatisfiedWaitWithTimeLeftParksTheRequest() throws Exception {
        Executor.Outcome outcome = new Executor(db, uuids, false, lock -> false, 0).execute(List.of(Json.parse(
                "{\"op\":\"wait\",\"table\":\"Bridge\",\"timeout\":500,\"where\":[],\"until\":\"!=\",\"rows\":[]}")));
        assertTrue(outcome.parked());
        assertEquals(500, outcome.retryMillis());
    }
}
