package io.streamreplay.dbserver.txn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import io.streamreplay.dbserver.data.Database;
import io.streamreplay.dbserver.data.UuidGenerator;
import io.streamreplay.dbserver.schema.DatabaseSchema;
import io.streamreplay.jsonrpc.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Fuzzing of the transaction executor: any array of operations on the schema of {@link ExecutorTest} gives one
 * result per operation (or fewer, ending in an error), never an exception, and the database still answers a select
 * of every table afterwards. {@code mvn verify} replays the checked-in corpus ({@code ExecutorFuzzTestInputs/});
 * {@code JAZZER_FUZZ=1 mvn test -pl sample-db-server -Dtest=ExecutorFuzzTest} fuzzes.
 */
class ExecutorFuzzTest {

    @FuzzTest(maxDuration = "60s")
    void anyOperationsGiveResultsOrErrorsAndLeaveAUsableDatabase(byte[] input) throws Exception {
        JsonNode operations;
        try {
            operations = Json.parse(new String(input, StandardCharsets.UTF_8));
        } catch (IOException notJson) {
            return;
        }
        if (operations == null || !operations.isArray()) {
            return;
        }
        Database db = new Database(DatabaseSchema.fromJson(Json.parse(ExecutorTest.SCHEMA)));
        UuidGenerator uuids = new UuidGenerator(1);
        List<JsonNode> ops = new ArrayList<>();
        operations.forEach(ops::add);
        Executor.Outcome outcome = new Executor(db, uuids, false, lock -> false, 0).execute(ops);
        if (outcome.prepared() != null) {
            db.apply(outcome.prepared().changes());
        }
        if (!outcome.parked()) {
            JsonNode results = outcome.results();
            assertTrue(results.isArray() && results.size() <= Math.max(1, ops.size() + 1), results.toString());
        }
        for (String table : List.of("Bridge", "Port", "Single")) {
            List<JsonNode> select = List.of(Json.parse("{\"op\":\"select\",\"table\":\"" + table + "\",\"where\":[]}"));
            JsonNode rows = new Executor(db, uuids, false, lock -> false, 0).execute(select).results().get(0)
                    .get("rows");
            assertEquals(db.table(table).size(), rows.size(), "the table's rows are all selectable");
        }
    }
}
