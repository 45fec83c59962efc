package io.streamreplay.client;

import com.fasterxml.jackson.databind.node.NullNode;
import io.streamreplay.client.bench.BenchEngine;
import io.streamreplay.client.bench.BenchResult;
import io.streamreplay.client.bench.Workload;
import io.streamreplay.client.format.TableWriter;
import io.streamreplay.jsonrpc.Json;
import io.streamreplay.jsonrpc.JsonRpcConnection;
import io.streamreplay.process.Terminal;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code bench}: a workload generator. N transactions over C connections with K requests in flight on each, as
 * the {@code standard} preset or a weighted mix, optionally with monitors; a progress bar on a terminal; a summary
 * (throughput, latency percentiles, errors) at the end, also after Ctrl-C.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Runs a transaction workload against table kv (name: string, value: integer, indexed by"
                + " name) of a database and prints throughput and latency.",
                "The standard preset: connection c's j-th transaction is, by j %% 4, insert {name: \"c<c>-<j>\","
                        + " value: j} (0, 1), update value = -j (2) or delete (3) of the row named \"c<c>-<j-2>\".",
                "The uuid preset: the same, but the update and delete address the row by [\"_uuid\", \"==\","
                        + " [\"uuid\", U]], U learnt from the insert's reply (no server scans the table for it).",
                "Exit status: 0 done (even with failed transactions, which are counted), 1 server unreachable,"
                        + " 130 interrupted (after printing the partial summary)."})
final class BenchCommand extends ClientCommand {

    /** The schema bench expects, printed by {@code --print-schema}. */
    static final String SCHEMA = "{\"name\":\"kvdb\",\"version\":\"1.0.0\",\"tables\":{\"kv\":{\"columns\":{"
            + "\"name\":{\"type\":\"string\"},\"value\":{\"type\":\"integer\"}},\"indexes\":[[\"name\"]],"
            + "\"isRoot\":true}}}";

    /** How many times in a row {@code --reconnect} opens a connection that is lost again before it is ready. */
    private static final int RECONNECT_ATTEMPTS = 5;

    @Parameters(paramLabel = "SERVER", arity = "0..1", description = "The server, if not given by --server.")
    List<String> args = new ArrayList<>();

    @Option(names = {"-n", "--transactions"}, paramLabel = "N", defaultValue = "10000",
            description = "Transactions in all (default: ${DEFAULT-VALUE}).")
    long transactions;

    @Option(names = "--connections", paramLabel = "C", defaultValue = "4",
            description = "Transacting connections (default: ${DEFAULT-VALUE}).")
    int connections;

    @Option(names = "--in-flight", paramLabel = "K", defaultValue = "1",
            description = "Requests outstanding per connection (default: ${DEFAULT-VALUE}).")
    int inFlight;

    @Option(names = "--preset", paramLabel = "NAME", description = "A named workload: standard or uuid.")
    String preset;

    @Option(names = "--mix", paramLabel = "OP=WEIGHT,...", defaultValue = "insert=2,update=1,delete=1",
            description = "Weights of insert, update, delete, select and mutate (default: ${DEFAULT-VALUE}).")
    String mix;

    @Option(names = "--monitors", paramLabel = "M", defaultValue = "0",
            description = "Connections monitoring kv while the workload runs (default: ${DEFAULT-VALUE}).")
    int monitors;

    @Option(names = "--db", paramLabel = "DB", defaultValue = "kvdb",
            description = "The database (default: ${DEFAULT-VALUE}).")
    String db;

    @Option(names = "--reconnect", description = "When a connection is lost (an error, or the server closed it),"
            + " count its outstanding transactions as errors, connect again and go on, for runs under injected"
            + " faults; without it, a lost connection ends the run with status 1.")
    boolean reconnect;

    @Option(names = "--json", description = "Print the summary as JSON.")
    boolean json;

    @Option(names = "--no-progress", description = "No progress bar, even on a terminal.")
    boolean noProgress;

    @Option(names = "--print-schema", description = "Print the schema bench expects (for 'sample-db-server"
            + " create') and exit.")
    boolean printSchema;

    @Override
    protected int run(ClientRuntime runtime, TableWriter out) throws ClientException {
        if (printSchema) {
            out.line(SCHEMA);
            return 0;
        }
        if (transactions < 0 || transactions > Integer.MAX_VALUE || connections < 1 || inFlight < 1
                || monitors < 0) {
            throw new ClientException(ClientException.BAD_INPUT, "N must be 0 to " + Integer.MAX_VALUE
                    + ", C and K at least 1, M not negative");
        }
        if (preset != null && !preset.equals("standard") && !preset.equals("uuid")) {
            throw new ClientException(ClientException.BAD_INPUT, "unknown preset '" + preset
                    + "' (known: standard, uuid)");
        }
        Map<String, Integer> weights;
        try {
            weights = Workload.parseMix(mix);
        } catch (IllegalArgumentException e) {
            throw new ClientException(ClientException.BAD_INPUT, "--mix: " + e.getMessage());
        }
        String server = options.server(args);
        List<OvsdbClient> clients = new ArrayList<>();
        try {
            List<JsonRpcConnection> monitorConnections = new ArrayList<>();
            for (int m = 0; m < monitors; m++) {
                OvsdbClient monitor = runtime.connect(server);
                clients.add(monitor);
                startMonitor(monitor);
                monitorConnections.add(monitor.connection());
            }
            String run = Long.toHexString(runtime.randomLong() & 0xffffffL);
            List<JsonRpcConnection> transacting = new ArrayList<>();
            List<Workload> workloads = new ArrayList<>();
            for (int c = 0; c < connections; c++) {
                OvsdbClient client = runtime.connect(server);
                clients.add(client);
                transacting.add(client.connection());
                workloads.add(preset == null ? Workload.mix(db, "b" + run, c, weights, run.hashCode())
                        : preset.equals("uuid") ? Workload.uuid(db, c) : Workload.standard(db, c));
            }
            BenchEngine.Reconnect again = !reconnect ? null : monitor -> {
                // The new connection can be lost too before it is ready (a reset that cuts a monitor's first
                // reply, which holds every row): that is one more lost connection, opened again, a few times.
                ClientException last = null;
                for (int attempt = 0; attempt < RECONNECT_ATTEMPTS; attempt++) {
                    try {
                        OvsdbClient client = runtime.connect(server);
                        clients.add(client);
                        if (monitor) {
                            startMonitor(client);
                        }
                        return client.connection();
                    } catch (ClientException e) {
                        if (e.exitStatus() != ClientException.FAILED) {
                            throw new IOException(e.getMessage(), e);
                        }
                        last = e;
                    }
                }
                throw new IOException(last.getMessage() + " (connected again " + RECONNECT_ATTEMPTS
                        + " times in a row, each lost before it was ready)", last);
            };
            BenchEngine engine = new BenchEngine(runtime, transacting, workloads, monitorConnections, transactions,
                    inFlight, again);
            boolean interrupted;
            try (ProgressBar bar = progressBar()) {
                interrupted = engine.run(done -> {
                    if (bar != null) {
                        bar.stepTo(done);
                    }
                });
            } catch (IOException e) {
                throw new ClientException(ClientException.FAILED, e.getMessage(), e);
            }
            BenchResult result = engine.result(preset != null ? preset : "mix " + mix, transactions, interrupted);
            if (json) {
                out.json(result.json());
            } else {
                out.line(result.text().stripTrailing());
            }
            return interrupted ? ClientException.INTERRUPTED : 0;
        } finally {
            clients.forEach(OvsdbClient::close);
        }
    }

    /** Sends the monitor request of a monitoring connection and waits for its reply (the rows so far). */
    private void startMonitor(OvsdbClient monitor) throws ClientException {
        monitor.call("monitor", db, NullNode.getInstance(), Json.NODES.objectNode().set("kv",
                Json.NODES.objectNode().set("columns", Json.array("name", "value"))));
    }

    private ProgressBar progressBar() {
        if (noProgress || !Terminal.isInteractive()) {
            return null;
        }
        return new ProgressBarBuilder().setTaskName("bench").setInitialMax(transactions).setUnit(" txn", 1)
                .setUpdateIntervalMillis(200).setConsumer(new ConsoleProgressBarConsumer(System.err))
                .showSpeed().build();
    }
}
