package io.streamreplay.client;

import io.streamreplay.client.format.TableWriter;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code get-schema [SERVER] [DB]}: the schema as JSON. */
@Command(name = "get-schema", mixinStandardHelpOptions = true, description = "Prints a database's schema as JSON.")
final class GetSchemaCommand extends ClientCommand {

    @Parameters(paramLabel = "[SERVER] [DB]", arity = "0..2", description = "The server and the database.")
    List<String> args = new ArrayList<>();

    @Override
    protected int run(ClientRuntime runtime, TableWriter out) throws ClientException {
        try (OvsdbClient client = runtime.connect(options.server(args))) {
            out.json(client.call("get_schema", database(client, args)));
        }
        return 0;
    }
}
