package io.streamreplay.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.streamreplay.client.bench.Workload;
import io.streamreplay.dbserver.data.Database;
import io.streamreplay.dbserver.data.UuidGenerator;
import io.streamreplay.dbserver.schema.DatabaseSchema;
import io.streamreplay.dbserver.txn.Executor;
import io.streamreplay.jsonrpc.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Transaction execution on the server's data layer, without sockets or storage: the standard workload's
 * transactions (insert, insert, update, delete by indexed name) run and committed, transactions per second.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class TransactionBenchmark {

    private static final String SCHEMA = "{\"name\":\"kvdb\",\"tables\":{\"kv\":{\"columns\":{\"name\":{\"type\":"
            + "\"string\"},\"value\":{\"type\":\"integer\"}},\"indexes\":[[\"name\"]]}}}";

    private Database db;
    private UuidGenerator uuids;
    private Workload workload;

    @Setup
    public void createDatabase() throws Exception {
        db = new Database(DatabaseSchema.fromJson(Json.parse(SCHEMA)));
        uuids = new UuidGenerator(1);
        workload = Workload.standard("kvdb", 0);
    }

    /** One standard-workload transaction executed and committed. */
    @Benchmark
    public JsonNode transact() {
        ArrayNode params = workload.next();
        List<JsonNode> operations = new ArrayList<>(params.size() - 1);
        for (int i = 1; i < params.size(); i++) {
            operations.add(params.get(i));
        }
        Executor.Outcome outcome = new Executor(db, uuids, false, lock -> false, 0).execute(operations);
        if (outcome.prepared() != null) {
            db.apply(outcome.prepared().changes());
        }
        return outcome.results();
    }
}
