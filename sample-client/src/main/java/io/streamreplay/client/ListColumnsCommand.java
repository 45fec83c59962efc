package io.streamreplay.client;

import io.streamreplay.client.format.Table;
import io.streamreplay.client.format.TableWriter;
import io.streamreplay.jsonrpc.Json;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code list-columns [SERVER] [DB] [TABLE]}: columns and their types. */
@Command(name = "list-columns", mixinStandardHelpOptions = true,
        description = "Lists the columns (and their types) of one table or of every table.")
final class ListColumnsCommand extends ClientCommand {

    @Parameters(paramLabel = "[SERVER] [DB] [TABLE]", arity = "0..3", description = "The server, the database"
            + " and the table.")
    List<String> args = new ArrayList<>();

    @Override
    protected int run(ClientRuntime runtime, TableWriter out) throws ClientException {
        try (OvsdbClient client = runtime.connect(options.server(args))) {
            String db = database(client, args);
            SchemaView schema = new SchemaView(client.call("get_schema", db));
            List<String> tables = schema.tables(args.isEmpty() ? null : args.get(0));
            boolean one = tables.size() == 1 && !args.isEmpty();
            Table result = new Table(null, one ? List.of("Column", "Type") : List.of("Table", "Column", "Type"));
            for (String table : tables) {
                List<String> columns = new ArrayList<>(List.of("_uuid", "_version"));
                columns.addAll(schema.columns(table));
                for (String column : columns) {
                    String type = column.startsWith("_") ? "\"uuid\"" : Json.toText(schema.type(table, column));
                    List<Table.Cell> row = new ArrayList<>();
                    if (!one) {
                        row.add(Table.Cell.text(table));
                    }
                    row.add(Table.Cell.text(column));
                    row.add(Table.Cell.text(type));
                    result.add(row);
                }
            }
            out.table(result);
        }
        return 0;
    }
}
