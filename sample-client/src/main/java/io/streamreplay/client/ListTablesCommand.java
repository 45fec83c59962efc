package io.streamreplay.client;

import io.streamreplay.client.format.Table;
import io.streamreplay.client.format.TableWriter;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code list-tables [SERVER] [DB]}: the tables of a database. */
@Command(name = "list-tables", mixinStandardHelpOptions = true, description = "Lists a database's tables.")
final class ListTablesCommand extends ClientCommand {

    @Parameters(paramLabel = "[SERVER] [DB]", arity = "0..2", description = "The server and the database.")
    List<String> args = new ArrayList<>();

    @Override
    protected int run(ClientRuntime runtime, TableWriter out) throws ClientException {
        try (OvsdbClient client = runtime.connect(options.server(args))) {
            SchemaView schema = new SchemaView(client.call("get_schema", database(client, args)));
            Table table = new Table(null, List.of("Table"));
            schema.tables().forEach(name -> table.add(List.of(Table.Cell.text(name))));
            out.table(table);
        }
        return 0;
    }
}
