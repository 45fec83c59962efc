package io.streamreplay.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamreplay.client.format.Table;
import io.streamreplay.client.format.TableWriter;
import io.streamreplay.jsonrpc.Json;
import io.streamreplay.jsonrpc.Message;
import io.streamreplay.replay.RecordingExhaustedException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code monitor} and {@code monitor-cond}: print a table's rows, then every change to them, until Ctrl-C (exit
 * status 0) or until the server closes the connection (exit status 1).
 */
final class MonitorCommand {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS")
            .withZone(ZoneOffset.UTC);

    private MonitorCommand() {
    }

    /** {@code monitor [SERVER] [DB] TABLE|ALL [COLUMNS[,!initial,!insert,!delete,!modify]]...}. */
    @Command(name = "monitor", mixinStandardHelpOptions = true,
            description = {"Prints the rows of TABLE (or of ALL tables), then each change, until interrupted.",
                    "COLUMNS is a comma-separated list of columns to show (default: all), to which !initial,"
                            + " !insert, !delete and !modify add which changes not to show."})
    static final class Monitor extends ClientCommand {
        @Parameters(paramLabel = "[SERVER] [DB] TABLE [COLUMNS]", arity = "1..*",
                description = "The server, the database, the table and the columns.")
        List<String> args = new ArrayList<>();

        @Override
        protected int run(ClientRuntime runtime, TableWriter out) throws ClientException {
            return monitor(this, runtime, out, args, false);
        }
    }

    /** {@code monitor-cond [SERVER] [DB] CONDITION TABLE [COLUMNS]}. */
    @Command(name = "monitor-cond", mixinStandardHelpOptions = true,
            description = {"Like monitor, for the rows that match CONDITION, a JSON array of clauses of which any"
                    + " must hold, such as '[[\"value\",\">\",10]]'."})
    static final class MonitorCond extends ClientCommand {
        @Parameters(paramLabel = "[SERVER] [DB] CONDITION TABLE [COLUMNS]", arity = "2..*",
                description = "The server, the database, the condition, the table and the columns.")
        List<String> args = new ArrayList<>();

        @Override
        protected int run(ClientRuntime runtime, TableWriter out) throws ClientException {
            return monitor(this, runtime, out, args, true);
        }
    }

    private static int monitor(ClientCommand command, ClientRuntime runtime, TableWriter out, List<String> args,
            boolean conditional) throws ClientException {
        String server = command.options.server(args);
        try (OvsdbClient client = runtime.connect(server)) {
            String db = ClientCommand.database(client, args);
            ArrayNode where = null;
            if (conditional) {
                if (args.isEmpty()) {
                    throw new ClientException(ClientException.BAD_INPUT, "a CONDITION is expected");
                }
                where = JsonArgument.array("CONDITION", args.remove(0));
            }
            if (args.isEmpty()) {
                throw new ClientException(ClientException.BAD_INPUT, "a TABLE is expected");
            }
            SchemaView schema = new SchemaView(client.call("get_schema", db));
            String tableArg = args.remove(0);
            List<String> tables = schema.tables(tableArg.equals("ALL") && !conditional ? null : tableArg);
            Map<String, List<String>> columns = new TreeMap<>();
            ObjectNode requests = Json.NODES.objectNode();
            for (String table : tables) {
                columns.put(table, request(requests, schema, table, args, where));
            }
            command.changeAware(client, true);
            JsonNode initial = client.call(conditional ? "monitor_cond" : "monitor", db, NullNode.getInstance(),
                    requests);
            Printer printer = new Printer(runtime, out, schema, columns, command.options.timestamp,
                    tableArg.equals("ALL"));
            printer.print(initial, conditional, true);
            while (true) {
                Message update;
                try {
                    update = client.nextNotification();
                } catch (RecordingExhaustedException e) {
                    return 0; // the recorded run was interrupted here
                }
                if (update == null) {
                    return 0;
                }
                String method = update.method();
                if ((method.equals("update") || method.equals("update2")) && update.params().size() == 2
                        && update.params().get(0).isNull()) {
                    printer.print(update.params().get(1), method.equals("update2"), false);
                }
            }
        }
    }

    /** Adds the monitor request for {@code table}; returns the columns to print. */
    private static List<String> request(ObjectNode requests, SchemaView schema, String table, List<String> specs,
            ArrayNode where) throws ClientException {
        Set<String> columns = new LinkedHashSet<>();
        ObjectNode select = null;
        for (String spec : specs) {
            for (String item : spec.split(",")) {
                if (item.isEmpty()) {
                    continue;
                }
                if (item.startsWith("!")) {
                    String kind = item.substring(1);
                    if (!List.of("initial", "insert", "delete", "modify").contains(kind)) {
                        throw new ClientException(ClientException.BAD_INPUT, "unknown selection " + item
                                + " (use !initial, !insert, !delete or !modify)");
                    }
                    if (select == null) {
                        select = Json.NODES.objectNode().put("initial", true).put("insert", true)
                                .put("delete", true).put("modify", true);
                    }
                    select.put(kind, false);
                } else if (!schema.hasColumn(table, item)) {
                    throw new ClientException(ClientException.BAD_INPUT, "table " + table + " has no column named "
                            + item);
                } else {
                    columns.add(item);
                }
            }
        }
        if (columns.isEmpty()) {
            columns.addAll(schema.columns(table));
            columns.add("_version");
        }
        ObjectNode request = requests.putArray(table).addObject();
        columns.forEach(request.putArray("columns")::add);
        if (select != null) {
            request.set("select", select);
        }
        if (where != null) {
            request.set("where", where);
        }
        return List.copyOf(columns);
    }

    /** Prints table updates, one table per update, rows sorted by UUID. */
    private static final class Printer {
        private final ClientRuntime runtime;
        private final TableWriter out;
        private final SchemaView schema;
        private final Map<String, List<String>> columns;
        private final boolean timestamp;
        private final boolean captions;

        Printer(ClientRuntime runtime, TableWriter out, SchemaView schema, Map<String, List<String>> columns,
                boolean timestamp, boolean captions) {
            this.captions = captions;
            this.runtime = runtime;
            this.out = out;
            this.schema = schema;
            this.columns = columns;
            this.timestamp = timestamp;
        }

        void print(JsonNode updates, boolean version2, boolean initial) {
            if (updates.isEmpty()) {
                return;
            }
            if (timestamp) {
                out.line(TIME.format(Instant.ofEpochMilli(runtime.wallMillis())));
            }
            for (Map.Entry<String, List<String>> entry : columns.entrySet()) {
                JsonNode rows = updates.get(entry.getKey());
                if (rows == null) {
                    continue;
                }
                List<String> headings = new ArrayList<>(List.of("row", "action"));
                headings.addAll(entry.getValue());
                Table table = new Table(captions ? entry.getKey() + " table" : null, headings);
                Map<String, JsonNode> sorted = new TreeMap<>();
                rows.fields().forEachRemaining(row -> sorted.put(row.getKey(), row.getValue()));
                for (Map.Entry<String, JsonNode> row : sorted.entrySet()) {
                    if (version2) {
                        addVersion2(table, entry.getKey(), entry.getValue(), row.getKey(), row.getValue());
                    } else {
                        addVersion1(table, entry.getKey(), entry.getValue(), row.getKey(), row.getValue(), initial);
                    }
                }
                out.table(table);
            }
        }

        private void addVersion1(Table table, String name, List<String> cols, String uuid, JsonNode update,
                boolean initial) {
            JsonNode old = update.get("old");
            JsonNode row = update.get("new");
            if (old != null && row != null) {
                table.add(line(name, cols, uuid, "old", old));
                table.add(line(name, cols, "", "new", row));
            } else if (row != null) {
                table.add(line(name, cols, uuid, initial ? "initial" : "insert", row));
            } else {
                table.add(line(name, cols, uuid, "delete", old));
            }
        }

        private void addVersion2(Table table, String name, List<String> cols, String uuid, JsonNode update) {
            Iterator<String> kinds = update.fieldNames();
            String kind = kinds.hasNext() ? kinds.next() : "?";
            JsonNode values = update.get(kind);
            table.add(line(name, cols, uuid, kind, values == null || values.isNull() ? Json.NODES.objectNode()
                    : values));
        }

        private List<Table.Cell> line(String name, List<String> cols, String uuid, String action, JsonNode values) {
            List<Table.Cell> cells = new ArrayList<>();
            cells.add(Table.Cell.text(uuid));
            cells.add(Table.Cell.text(action));
            for (String column : cols) {
                JsonNode value = values.get(column);
                cells.add(value == null ? Table.Cell.text("") : Table.Cell.value(value, schema.isScalar(name,
                        column)));
            }
            return cells;
        }
    }
}
