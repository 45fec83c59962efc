package io.streamreplay.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamreplay.client.format.Table;
import io.streamreplay.client.format.TableWriter;
import io.streamreplay.jsonrpc.Json;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code dump [SERVER] [DB [TABLE [COLUMN...]]]}: the contents of tables, as {@code ovsdb-client dump} prints them:
 * one table per database table, {@code _uuid} first and the other columns sorted, rows in a stable order.
 */
@Command(name = "dump", mixinStandardHelpOptions = true,
        description = "Prints the contents of every table of a database, or of one table (and some columns).")
final class DumpCommand extends ClientCommand {

    @Parameters(paramLabel = "[SERVER] [DB [TABLE [COLUMN...]]]", arity = "0..*",
            description = "The server, the database, a table and columns.")
    List<String> args = new ArrayList<>();

    @Override
    protected int run(ClientRuntime runtime, TableWriter out) throws ClientException {
        try (OvsdbClient client = runtime.connect(options.server(args))) {
            String db = database(client, args);
            SchemaView schema = new SchemaView(client.call("get_schema", db));
            List<String> tables = schema.tables(args.isEmpty() ? null : args.get(0));
            List<List<String>> columns = new ArrayList<>();
            ArrayNode txn = Json.array(db);
            for (String table : tables) {
                List<String> names = new ArrayList<>(List.of("_uuid"));
                if (args.size() > 1) {
                    for (String column : args.subList(1, args.size())) {
                        if (!schema.hasColumn(table, column)) {
                            throw new ClientException(ClientException.BAD_INPUT, "table " + table
                                    + " has no column named " + column);
                        }
                    }
                    names = args.subList(1, args.size());
                } else {
                    names.addAll(schema.columns(table));
                }
                columns.add(names);
                ObjectNode select = txn.addObject().put("op", "select").put("table", table);
                select.putArray("where");
                names.forEach(select.putArray("columns")::add);
            }
            JsonNode results = client.call("transact", txn);
            for (int i = 0; i < tables.size(); i++) {
                JsonNode result = results.get(i);
                if (result == null || !result.has("rows")) {
                    throw new ClientException(ClientException.FAILED, client.name() + ": dump of " + tables.get(i)
                            + " failed: " + (result == null ? "no result" : ErrorText.of(result)));
                }
                if (i > 0) {
                    out.line("");
                }
                out.table(table(schema, tables.get(i), columns.get(i), result.get("rows")));
            }
        }
        return 0;
    }

    private static Table table(SchemaView schema, String name, List<String> columns, JsonNode rows) {
        Table table = new Table(name + " table", columns);
        List<List<Table.Cell>> cells = new ArrayList<>();
        for (JsonNode row : rows) {
            List<Table.Cell> line = new ArrayList<>();
            for (String column : columns) {
                line.add(Table.Cell.value(row.get(column), schema.isScalar(name, column)));
            }
            cells.add(line);
        }
        // The server returns rows in no particular order; print them in one, so that outputs compare.
        cells.sort(Comparator.comparing(line -> line.stream().map(Table.Cell::text).toList(), DumpCommand::compare));
        cells.forEach(table::add);
        return table;
    }

    private static int compare(List<String> a, List<String> b) {
        for (int i = 0; i < a.size(); i++) {
            int c = a.get(i).compareTo(b.get(i));
            if (c != 0) {
                return c;
            }
        }
        return 0;
    }
}
