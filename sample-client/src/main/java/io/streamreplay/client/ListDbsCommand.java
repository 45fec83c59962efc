package io.streamreplay.client;

import io.streamreplay.client.format.TableWriter;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code list-dbs [SERVER]}: the server's databases, one per line, sorted as {@code ovsdb-client} sorts them. */
@Command(name = "list-dbs", mixinStandardHelpOptions = true, description = "Lists the server's databases.")
final class ListDbsCommand extends ClientCommand {

    @Parameters(paramLabel = "SERVER", arity = "0..1", description = "The server, if not given by --server.")
    List<String> args = new ArrayList<>();

    @Override
    protected int run(ClientRuntime runtime, TableWriter out) throws ClientException {
        try (OvsdbClient client = runtime.connect(options.server(args))) {
            // ovsdb-server lists them in its hash table's order; ovsdb-client sorts them, and so do we.
            List<String> names = new ArrayList<>();
            client.call("list_dbs").forEach(name -> names.add(name.asText()));
            names.stream().sorted().forEach(out::line);
        }
        return 0;
    }
}
